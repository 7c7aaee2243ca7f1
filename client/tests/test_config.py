from unittest.mock import patch

import pytest

import umami
from umami.errors import OperationNotAllowedError, ValidationError


class TestSetUrlBase:
    @pytest.mark.parametrize("bad", ["", "   ", "example.com", "ftp://example.com", " https://x"])
    def test_rejects_empty_and_non_http_urls(self, bad: str) -> None:
        with pytest.raises(ValidationError):
            umami.set_url_base(bad)

    @pytest.mark.parametrize(
        "given, stored",
        [
            ("https://x.com", "https://x.com"),
            ("http://x.com", "http://x.com"),
            ("https://x.com/", "https://x.com"),
            ("https://x.com/umami///", "https://x.com/umami"),
            ("https://x.com  ", "https://x.com"),
            ("https://x.com/ ", "https://x.com/"),  # slashes go before whitespace
        ],
    )
    def test_normalises(self, given: str, stored: str) -> None:
        umami.set_url_base(given)
        assert umami.impl.url_base == stored

    def test_empty_url_message(self) -> None:
        with pytest.raises(ValidationError, match="must not be empty"):
            umami.set_url_base("")


def test_website_id_and_hostname_are_stored_as_given() -> None:
    umami.set_website_id("")
    umami.set_hostname("  h  ")
    assert umami.impl.default_website_id == ""
    assert umami.impl.default_hostname == "  h  "


class TestCloudKey:
    @pytest.mark.parametrize("bad", ["", "   "])
    def test_rejects_empty_key(self, bad: str) -> None:
        with pytest.raises(ValidationError):
            umami.set_cloud_api_key(bad)

    def test_rejects_unknown_region(self) -> None:
        with pytest.raises(ValidationError):
            umami.set_cloud_api_key("key", region="mars")

    def test_stores_stripped_key_and_region(self) -> None:
        umami.set_cloud_api_key("  my-key  ", region="eu")
        assert umami.impl.api_key == "my-key"
        assert umami.impl.cloud_region == "eu"

    def test_leaves_self_hosted_settings_alone(self) -> None:
        umami.impl.auth_token = "t"
        umami.set_cloud_api_key("key", region="us")
        assert umami.impl.url_base == "https://example.com"
        assert umami.impl.auth_token == "t"

    def test_clear_returns_to_self_hosted(self) -> None:
        umami.set_cloud_api_key("key", region="eu")
        umami.clear_cloud_api_key()
        assert umami.impl.api_key is None
        assert umami.impl.cloud_region is None


def test_enable_and_disable() -> None:
    umami.disable()
    assert umami.impl.tracking_enabled is False
    umami.enable()
    assert umami.impl.tracking_enabled is True


class TestIsLoggedIn:
    def test_false_without_token_or_key(self) -> None:
        assert umami.is_logged_in() is False

    def test_true_with_token(self) -> None:
        with patch("umami.impl.auth_token", "t"):
            assert umami.is_logged_in() is True

    def test_true_with_cloud_key(self) -> None:
        umami.set_cloud_api_key("key")
        assert umami.is_logged_in() is True


class TestValidateState:
    def test_url_needed(self) -> None:
        with (
            patch("umami.impl.url_base", None),
            pytest.raises(OperationNotAllowedError, match="set_url_base"),
        ):
            umami.impl.validate_state(url=True)

    def test_login_needed(self) -> None:
        with pytest.raises(OperationNotAllowedError, match="login"):
            umami.impl.validate_state(url=True, user=True)

    def test_nothing_asked(self) -> None:
        with patch("umami.impl.url_base", None):
            umami.impl.validate_state()

    def test_cloud_mode_satisfies_both(self) -> None:
        umami.set_cloud_api_key("key")
        with patch("umami.impl.url_base", None):
            umami.impl.validate_state(url=True, user=True)


class TestValidateLogin:
    def test_username_checked_first(self) -> None:
        with pytest.raises(ValidationError, match="Email"):
            umami.impl.validate_login("", "")

    def test_empty_password(self) -> None:
        with pytest.raises(ValidationError, match="Password"):
            umami.impl.validate_login("me", "")

    def test_whitespace_password_accepted(self) -> None:
        umami.impl.validate_login("me", " ")


class TestValidateEventData:
    def test_order_hostname_website_name(self) -> None:
        with pytest.raises(ValidationError, match="hostname"):
            umami.impl.validate_event_data("", None, None)
        with pytest.raises(ValidationError, match="website"):
            umami.impl.validate_event_data("", "h", None)
        with pytest.raises(ValidationError, match="event name"):
            umami.impl.validate_event_data(" \t", "h", "w")

    def test_non_string_truthy_name_fails_like_the_reference(self) -> None:
        with pytest.raises(AttributeError):
            umami.impl.validate_event_data(5, "h", "w")  # type: ignore[arg-type]

    def test_valid(self) -> None:
        umami.impl.validate_event_data("signup", "h", "w")
