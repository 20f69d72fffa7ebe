"""``manage.py parse_plan PATH --json``: print the structure parsed from a 工作要点 (.txt or .docx)."""
import json as jsonlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.uploads import UploadRejected
from plans.parser import DocumentError, parse_text, read_document


class Command(BaseCommand):
    help = "Parse a plan document (.txt in UTF-8/GBK/UTF-16, or .docx) into sections, points and targets."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="Print JSON (the default prints an outline).")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            text = read_document(file.name, file.read_bytes())
        except (DocumentError, UploadRejected) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        plan = parse_text(text)
        if options["json"]:
            self.stdout.write(_dumps(plan))
            return
        self.stdout.write(f"{plan['title']} ({plan['year']})")
        for section in plan["sections"]:
            self.stdout.write(f"{section['number']}、{section['title']}")
            for point in section["points"]:
                self.stdout.write(f"  {point['number']} {point['title']}")
                for target in point["targets"]:
                    self.stdout.write(f"      {target['comparator']} {target['value']}{target['unit']} · {target['metric']}")


def _dumps(plan):
    return jsonlib.dumps(plan, ensure_ascii=False, indent=1)
