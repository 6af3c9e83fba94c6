"""Who may use the web app: users, their roles and permissions, their signed-in sessions."""
