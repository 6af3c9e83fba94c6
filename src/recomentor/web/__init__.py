"""The HR pages, served beside /api/v1 by the same app (see "Web app" in README.md)."""
