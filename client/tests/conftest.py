from collections.abc import Iterator

import pytest
from local_umami import LocalUmami

import umami


@pytest.fixture(autouse=True)
def module_state() -> Iterator[None]:
    """The module-level configuration every test starts from (as umami-analytics' tests do)."""
    umami.set_url_base("https://example.com")
    umami.set_hostname("test.com")
    umami.set_website_id("test-website-id")
    umami.enable()
    umami.clear_cloud_api_key()
    umami.impl.auth_token = None
    yield
    umami.clear_cloud_api_key()
    umami.impl.auth_token = None


@pytest.fixture
def server() -> Iterator[LocalUmami]:
    local = LocalUmami()
    yield local
    local.stop()
