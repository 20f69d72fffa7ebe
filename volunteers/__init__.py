"""Volunteers: the registry (with personal data encrypted and masked), activities, on-site sign-in,
confirmed service hours, star levels, certificates, imports and the statistics plans and assessment read."""
