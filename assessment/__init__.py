"""Monthly assessment (月考核): schemes with their indicators, computed runs, scores with their breakdown,
assessor entries (manual points, bonuses and deductions) and appeals."""
