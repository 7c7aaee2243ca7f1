"""Self-hosted web analytics speaking Umami's wire protocol."""
