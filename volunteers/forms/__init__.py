"""Forms of the volunteer pages, one module per area (like views/ and api/); they validate input, services write."""
