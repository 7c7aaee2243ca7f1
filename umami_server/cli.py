"""The `umami-server` command line: run the server and administer its data directory."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from umami_server.auth.passwords import generate_password, hash_password
from umami_server.config import ConfigError, Settings
from umami_server.storage.metadata_store import DuplicateName, MetadataStore

cli = typer.Typer(
    help="Self-hosted, privacy-friendly web analytics that speaks Umami's wire protocol.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Data directory of the embedded store [env: UMAMI_DATA_DIR; default: ./data].",
        show_default=False,
    ),
]
USER_ROLES = ("admin", "user", "view-only")


def _settings(data_dir: Path | None, host: str | None = None, port: int | None = None) -> Settings:
    try:
        return Settings.from_environment(
            data_dir=str(data_dir) if data_dir else None, host=host, port=port
        )
    except ConfigError as error:
        _fail(str(error))


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def _metadata(settings: Settings) -> MetadataStore:
    # Only the metadata: both stores allow other processes, so this works while serving.
    from umami_server.storage.opening import StoreOpenError, open_metadata

    try:
        return open_metadata(settings)
    except StoreOpenError as error:
        _fail(str(error))


def ensure_first_admin(metadata: MetadataStore, password: str | None) -> str | None:
    """Create `admin` when there are no users yet; return the generated password, if any."""
    if metadata.count_users() > 0:
        return None
    generated = None if password else generate_password()
    metadata.create_user("admin", hash_password(password or generated or ""), "admin")
    return generated


@cli.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [env: HOST; default: 127.0.0.1].")
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port to listen on [env: PORT; default: 3000].")
    ] = None,
    data_dir: DataDirOption = None,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Start the server (creating its store and a first admin when new): the embedded store in
    the data directory, or PostgreSQL when DATABASE_URL is set."""
    import uvicorn

    from umami_server.app import UmamiServerApp
    from umami_server.http_limits import KEEP_ALIVE_SECONDS, GuardedHttpToolsProtocol
    from umami_server.storage.opening import StoreOpenError, describe_store, open_store

    settings = _settings(data_dir, host, port)
    # The event loop and the log writer hand the GIL back and forth on every commit; Python's
    # default 5 ms switch interval would add up to that much to each acknowledgement.
    sys.setswitchinterval(0.0002)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(message)s")
    try:
        store = open_store(settings)
    except StoreOpenError as error:
        _fail(str(error))
    generated = ensure_first_admin(store.metadata, settings.admin_password)
    if generated:
        typer.secho(
            f"Created the first account: username 'admin', password '{generated}'. "
            "It is shown only this once.",
            fg=typer.colors.YELLOW,
        )
    try:
        app = UmamiServerApp(settings, store)
    except (ConfigError, ValueError) as error:
        store.close()
        _fail(str(error))
    typer.echo(f"umami-server listening on http://{settings.host}:{settings.port}"
               f"{settings.base_path} ({describe_store(settings)})")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        # httptools, plus a bound on request heads and timeouts for idle or trickling clients.
        http=GuardedHttpToolsProtocol,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        lifespan="on",
        log_level=log_level.lower(),
        access_log=False,
        # Client addresses come from the forwarding headers Umami reads (collect/), per hit.
        proxy_headers=False,
        server_header=False,
    )


@cli.command("create-user")
def create_user(
    username: Annotated[str, typer.Argument(help="Login name of the new user.")],
    password: Annotated[
        str | None,
        typer.Option(help="Password; generated and printed when omitted.", show_default=False),
    ] = None,
    role: Annotated[str, typer.Option(help="admin, user or view-only.")] = "user",
    data_dir: DataDirOption = None,
) -> None:
    """Add a user account (works while the server runs)."""
    if role not in USER_ROLES:
        _fail(f"role must be one of {', '.join(USER_ROLES)}")
    chosen = password or generate_password()
    try:
        hashed = hash_password(chosen)
    except ValueError as error:
        _fail(str(error))
    metadata = _metadata(_settings(data_dir))
    try:
        user = metadata.create_user(username, hashed, role)
    except DuplicateName as error:
        _fail(str(error))
    finally:
        metadata.close()
    typer.echo(user["user_id"])
    if password is None:
        typer.echo(f"password: {chosen}", err=True)


@cli.command("add-website")
def add_website(
    name: Annotated[str, typer.Argument(help="Display name, e.g. 'My blog'.")],
    domain: Annotated[str, typer.Argument(help="Domain, e.g. example.com.")],
    owner: Annotated[
        str | None,
        typer.Option(
            help="Username of the owner [default: the first admin account, if there is one].",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Add a website and print its id, the tracker's data-website-id (works while serving)."""
    if len(name) > 100 or len(domain) > 500:
        _fail("the name may have at most 100 characters and the domain 500")
    metadata = _metadata(_settings(data_dir))
    try:
        user = metadata.find_user(owner) if owner else metadata.first_admin()
        if owner and user is None:
            _fail(f"no user named {owner!r}; create it first or pass another --owner")
        website = metadata.create_website(name, domain, user_id=user["user_id"] if user else None)
    finally:
        metadata.close()
    typer.echo(website["website_id"])


@cli.command("add-pixel")
def add_pixel(
    name: Annotated[str, typer.Argument(help="Display name of the pixel.")],
    slug: Annotated[str | None, typer.Option(help="URL slug; random when omitted.")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Add a tracking pixel served at /p/SLUG and print its id and slug."""
    metadata = _metadata(_settings(data_dir))
    try:
        pixel = metadata.create_pixel(name, slug)
    except DuplicateName as error:
        _fail(str(error))
    finally:
        metadata.close()
    typer.echo(f"{pixel['pixel_id']} {pixel['slug']}")


@cli.command("add-link")
def add_link(
    name: Annotated[str, typer.Argument(help="Display name of the link.")],
    url: Annotated[str, typer.Argument(help="Absolute URL the link redirects to.")],
    slug: Annotated[str | None, typer.Option(help="URL slug; random when omitted.")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Add a short link served at /q/SLUG and print its id and slug."""
    from umami_server.collect.link_targets import NOT_A_WEB_URL, web_url

    if web_url(url) is None:
        _fail(f"{url!r} is not an absolute URL. {NOT_A_WEB_URL}")
    metadata = _metadata(_settings(data_dir))
    try:
        link = metadata.create_link(name, url, slug)
    except DuplicateName as error:
        _fail(str(error))
    finally:
        metadata.close()
    typer.echo(f"{link['link_id']} {link['slug']}")


@cli.command("dropped-hits")
def dropped_hits(data_dir: DataDirOption = None) -> None:
    """Show hits dropped at collection (bots, ignored IPs) per website and day."""
    metadata = _metadata(_settings(data_dir))
    try:
        rows = metadata.dropped_hits()
    finally:
        metadata.close()
    if not rows:
        typer.echo("no dropped hits recorded")
        return
    for row in rows:
        typer.echo(f"{row['day']}  {row['website_id']}  {row['reason']:<10}  {row['hits']}")


@cli.command()
def demo(
    website: Annotated[str, typer.Option(help="Id of the website (or link, pixel) to fill.")],
    events: Annotated[int, typer.Option(help="Number of events to write.")] = 100_000,
    days: Annotated[int, typer.Option(help="Spread over this many days up to now.")] = 30,
    seed: Annotated[int, typer.Option(help="Same seed, same data.")] = 1,
    data_dir: DataDirOption = None,
) -> None:
    """Write realistic demo traffic into the embedded store (stop the server first: one
    writer). Not for DATABASE_URL: it writes the data directory's files directly."""
    from umami_server.demo import run_with_progress

    settings = _settings(data_dir)
    if settings.database_url:
        _fail("demo writes the embedded store's files directly and cannot fill PostgreSQL: "
              "unset DATABASE_URL to fill a data directory")
    try:
        summary = run_with_progress(settings.data_dir, website, events, days, seed)
    except ValueError as error:
        _fail(str(error))
    typer.echo(f"wrote {summary.events} events, {summary.sessions} sessions, "
               f"{summary.event_data} event data rows")


def main() -> None:
    cli(prog_name="umami-server")


if __name__ == "__main__":
    sys.exit(main())
