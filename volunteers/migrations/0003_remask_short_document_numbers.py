"""Mask again the document numbers shorter than 18 characters: E123*5678 showed all but one digit of a passport
(volunteers.idnumbers.mask_id_number now shows a fifth at each end at most)."""
from django.db import migrations


def remask(apps, schema_editor):
    from volunteers.idnumbers import mask_id_number
    from volunteers.pii import decrypt

    Volunteer = apps.get_model("volunteers", "Volunteer")
    changed = []
    for volunteer in (Volunteer.objects.exclude(id_number_encrypted="").filter(id_number_masked__regex=r"^.{1,17}$")
                      .only("pk", "id_number_encrypted", "id_number_masked").iterator(chunk_size=2000)):
        volunteer.id_number_masked = mask_id_number(decrypt(volunteer.id_number_encrypted))
        changed.append(volunteer)
    Volunteer.objects.bulk_update(changed, ["id_number_masked"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_unmask_event_via_choices")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
