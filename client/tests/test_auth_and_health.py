from unittest.mock import MagicMock, patch

import httpx
import pytest
from http_stubs import LOGIN, async_client, failing_answer, sync_http

import umami
from umami.errors import OperationNotAllowedError, ValidationError


class TestLogin:
    def test_posts_credentials_and_keeps_the_token(self) -> None:
        with patch("umami.impl.httpx.post", sync_http(LOGIN)) as post:
            result = umami.login("someone", "pw")
        assert result.token == "tok-123"
        assert result.user.isAdmin is True
        assert umami.impl.auth_token == "tok-123"
        assert post.call_args.args[0] == "https://example.com/api/auth/login"
        assert post.call_args.kwargs["json"] == {"username": "someone", "password": "pw"}
        assert post.call_args.kwargs["headers"] == {"User-Agent": umami.impl.user_agent}
        assert post.call_args.kwargs["follow_redirects"] is True

    async def test_async_twin(self) -> None:
        client = async_client(LOGIN)
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            result = await umami.login_async("someone", "pw")
        assert result.token == umami.impl.auth_token == "tok-123"
        assert client.post.call_args.args[0] == "https://example.com/api/auth/login"
        assert client.post.call_args.kwargs["json"] == {"username": "someone", "password": "pw"}
        assert client.post.call_args.kwargs["headers"] == {"User-Agent": umami.impl.user_agent}

    @pytest.mark.parametrize("user, password", [("", "pw"), ("someone", "")])
    def test_empty_credentials(self, user: str, password: str) -> None:
        with (
            patch("umami.impl.httpx.post", sync_http(LOGIN)) as post,
            pytest.raises(ValidationError),
        ):
            umami.login(user, password)
        post.assert_not_called()

    def test_needs_url_base(self) -> None:
        with patch("umami.impl.url_base", None), pytest.raises(OperationNotAllowedError):
            umami.login("someone", "pw")

    async def test_refused_in_cloud_mode_before_anything_else(self) -> None:
        umami.set_cloud_api_key("key")
        with pytest.raises(OperationNotAllowedError):
            umami.login("", "")
        with pytest.raises(OperationNotAllowedError):
            await umami.login_async("someone", "pw")

    def test_http_error_keeps_the_old_token(self) -> None:
        umami.impl.auth_token = "old"
        error = httpx.HTTPStatusError("401", request=MagicMock(), response=MagicMock())
        with (
            patch("umami.impl.httpx.post", MagicMock(return_value=failing_answer(error))),
            pytest.raises(httpx.HTTPStatusError),
        ):
            umami.login("someone", "bad")
        assert umami.impl.auth_token == "old"

    def test_malformed_answer_is_a_pydantic_error(self) -> None:
        import pydantic

        with (
            patch("umami.impl.httpx.post", sync_http({"token": "t"})),
            pytest.raises(pydantic.ValidationError),
        ):
            umami.login("someone", "pw")


class TestVerifyToken:
    def test_self_hosted_posts_to_verify(self) -> None:
        with (
            patch("umami.impl.auth_token", "fake-token"),
            patch("umami.impl.httpx.post", sync_http({"username": "me"})) as post,
        ):
            assert umami.verify_token() is True
        assert post.call_args.args[0] == "https://example.com/api/auth/verify"
        assert post.call_args.kwargs["headers"] == {
            "User-Agent": umami.impl.event_user_agent,
            "Authorization": "Bearer fake-token",
        }
        assert "json" not in post.call_args.kwargs

    async def test_async_twin(self) -> None:
        client = async_client({"username": "me"})
        with (
            patch("umami.impl.auth_token", "fake-token"),
            patch("umami.impl.httpx.AsyncClient", return_value=client),
        ):
            assert await umami.verify_token_async() is True
        assert client.post.call_args.args[0] == "https://example.com/api/auth/verify"

    def test_false_without_username_in_answer(self) -> None:
        with (
            patch("umami.impl.auth_token", "fake-token"),
            patch("umami.impl.httpx.post", sync_http({"other": 1})),
        ):
            assert umami.verify_token() is False

    def test_false_on_any_error(self) -> None:
        with (
            patch("umami.impl.auth_token", "fake-token"),
            patch("umami.impl.httpx.post", MagicMock(side_effect=httpx.ConnectError("down"))),
        ):
            assert umami.verify_token() is False

    async def test_false_when_not_logged_in_without_request(self) -> None:
        client = async_client({"username": "me"})
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            assert await umami.verify_token_async() is False
        client.post.assert_not_called()

    def test_check_server_false_makes_no_request(self) -> None:
        with (
            patch("umami.impl.auth_token", "fake-token"),
            patch("umami.impl.httpx.post", sync_http()) as post,
        ):
            assert umami.verify_token(check_server=False) is True
        post.assert_not_called()

    def test_cloud_gets_me(self) -> None:
        umami.set_cloud_api_key("cloud-key", region="eu")
        with patch("umami.impl.httpx.get", sync_http({"user": {"id": "1"}})) as get:
            assert umami.verify_token() is True
        assert get.call_args.args[0] == "https://api.umami.is/v1/eu/me"
        assert get.call_args.kwargs["headers"] == {
            "User-Agent": umami.impl.user_agent,
            "x-umami-api-key": "cloud-key",
        }

    async def test_cloud_async_accepts_username_fallback(self) -> None:
        umami.set_cloud_api_key("cloud-key")
        client = async_client({"username": "me"})
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            assert await umami.verify_token_async() is True
        assert client.get.call_args.args[0] == "https://api.umami.is/v1/me"


class TestHeartbeat:
    def test_gets_heartbeat_without_login(self) -> None:
        with patch("umami.impl.httpx.get", sync_http({"ok": True})) as get:
            assert umami.heartbeat() is True
        assert get.call_args.args[0] == "https://example.com/api/heartbeat"
        assert get.call_args.kwargs["headers"] == {"User-Agent": umami.impl.user_agent}

    async def test_async_twin(self) -> None:
        client = async_client({"ok": True})
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            assert await umami.heartbeat_async() is True
        assert client.get.call_args.args[0] == "https://example.com/api/heartbeat"
        assert client.get.call_args.kwargs["headers"] == {"User-Agent": umami.impl.user_agent}

    def test_false_on_error_status(self) -> None:
        failing = MagicMock(return_value=failing_answer(Exception("boom")))
        with patch("umami.impl.httpx.get", failing):
            assert umami.heartbeat() is False

    async def test_async_false_on_transport_error(self) -> None:
        client = async_client()
        client.get.side_effect = httpx.ConnectError("down")
        with patch("umami.impl.httpx.AsyncClient", return_value=client):
            assert await umami.heartbeat_async() is False

    def test_false_without_url_base(self) -> None:
        with patch("umami.impl.url_base", None):
            assert umami.heartbeat() is False

    def test_cloud_gets_me(self) -> None:
        umami.set_cloud_api_key("cloud-key", region="us")
        with patch("umami.impl.httpx.get", sync_http({"user": {}})) as get:
            assert umami.heartbeat() is True
        assert get.call_args.args[0] == "https://api.umami.is/v1/us/me"
        assert get.call_args.kwargs["headers"]["x-umami-api-key"] == "cloud-key"
        assert "Authorization" not in get.call_args.kwargs["headers"]
