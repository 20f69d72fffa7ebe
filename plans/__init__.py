"""Plans, sections, work points, targets, assignments and progress: the planning domain."""
