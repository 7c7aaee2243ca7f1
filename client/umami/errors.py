"""Exceptions raised for bad arguments and for calls made before the client is configured."""

__all__ = ["OperationNotAllowedError", "ValidationError"]


class ValidationError(Exception):
    """An argument is invalid; raised before any request is made."""


class OperationNotAllowedError(ValidationError):
    """Required configuration is missing (no URL base, not logged in) or the call is not
    allowed in the current mode (login in Umami Cloud mode)."""
