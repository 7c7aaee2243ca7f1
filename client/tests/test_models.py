import pydantic
import pytest

from umami import models

SITE = {"id": "w1", "domain": "example.com", "createdAt": "c", "updatedAt": "u"}


def test_website_optional_fields_default_to_none() -> None:
    site = models.Website(**SITE)
    assert site.name is None and site.user is None and site.createUser is None
    assert site.shareId is None and site.teamId is None and site.deletedAt is None


def test_website_accepts_create_user_instead_of_user() -> None:
    site = models.Website(**SITE, createUser={"username": "someone", "id": "u1"})
    assert site.user is None
    assert site.createUser is not None and site.createUser.username == "someone"


def test_website_updated_at_is_required_and_not_nullable() -> None:
    with pytest.raises(pydantic.ValidationError):
        models.Website(id="w1", domain="d", createdAt="c")
    with pytest.raises(pydantic.ValidationError):
        models.Website(**{**SITE, "updatedAt": None})


def test_websites_response_reads_data_and_ignores_extra_keys() -> None:
    response = models.WebsitesResponse.model_validate(
        {"data": [SITE], "count": 1, "page": 1, "pageSize": 20, "extra": True}
    )
    assert response.websites[0].id == "w1" and response.orderBy is None
    with pytest.raises(pydantic.ValidationError):
        models.WebsitesResponse(websites=[SITE], count=1, page=1, pageSize=20)  # type: ignore[call-arg]


def test_stats_coercion_is_lax_but_not_lossy() -> None:
    stats = models.WebsiteStats(pageviews="3", visitors=1.0, visits=1, bounces=0, totaltime=0)  # type: ignore[arg-type]
    assert stats.pageviews == 3 and stats.visitors == 1 and stats.comparison is None
    with pytest.raises(pydantic.ValidationError):
        models.WebsiteStats(pageviews=1.5, visitors=1, visits=1, bounces=0, totaltime=0)


def test_login_response_ignores_extra_user_keys() -> None:
    user = {"id": "u", "username": "n", "role": "admin", "createdAt": "c", "isAdmin": False}
    answer = models.LoginResponse.model_validate({"token": "t", "user": {**user, "teams": []}})
    assert answer.user.isAdmin is False
