"""Pages of the volunteer registry, one module per area: registry (volunteers, reveal, audit), activities
(sign-up, sign-in, confirmation, a volunteer's own page), imports and exports, statistics."""
