"""The HTTP API (Litestar): versioned JSON routes over the core, secured by scoped API keys."""
