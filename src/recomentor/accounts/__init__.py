"""Who may use the web app and the API: users, roles, permissions, sessions, key scopes."""
