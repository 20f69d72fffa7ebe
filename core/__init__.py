"""The floor of the portal: helpers every app may use (no tables); it imports only Django and
third-party packages, never the portal's apps."""
