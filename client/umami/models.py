"""Pydantic models of the JSON the Umami API answers with (extra keys are ignored)."""

from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "LoginResponse",
    "User",
    "Website",
    "WebsiteStats",
    "WebsiteStatsCmp",
    "WebsiteUser",
    "WebsitesResponse",
]


class User(BaseModel):
    id: str
    username: str
    role: str
    createdAt: str
    isAdmin: bool


class LoginResponse(BaseModel):
    token: str
    user: User


class WebsiteUser(BaseModel):
    username: str
    id: str


class Website(BaseModel):
    id: str
    name: str | None = None
    domain: str
    shareId: Any = None
    resetAt: Any = None
    userId: str | None = None
    createdAt: str
    updatedAt: str
    deletedAt: Any = None
    teamId: str | None = None
    user: WebsiteUser | None = None
    createUser: WebsiteUser | None = None


class WebsiteStatsCmp(BaseModel):
    pageviews: int
    visitors: int
    visits: int
    bounces: int
    totaltime: int


class WebsiteStats(BaseModel):
    pageviews: int
    visitors: int
    visits: int
    bounces: int
    totaltime: int
    comparison: WebsiteStatsCmp | None = None


class WebsitesResponse(BaseModel):
    # Umami names the list "data"; the Python attribute keeps the name users know.
    websites: list[Website] = Field(alias="data")
    count: int
    page: int
    pageSize: int
    orderBy: str | None = None
