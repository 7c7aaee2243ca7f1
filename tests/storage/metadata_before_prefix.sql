-- metadata.sqlite as the server created it before its own tables took the umami_server_
-- prefix: metadata migrations 1 and 2, table and index DDL exactly as SQLite stored it.

CREATE TABLE metadata_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP);

CREATE TABLE user (
    user_id CHAR(32) NOT NULL,
    username VARCHAR(255) NOT NULL,
    password VARCHAR(60) NOT NULL,
    role VARCHAR(50) NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    deleted_at DATETIME,
    display_name VARCHAR(255),
    logo_url VARCHAR(2183),
    PRIMARY KEY (user_id),
    UNIQUE (username)
);

CREATE TABLE team (
    team_id CHAR(32) NOT NULL,
    name VARCHAR(50) NOT NULL,
    access_code VARCHAR(50),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    deleted_at DATETIME,
    logo_url VARCHAR(2183),
    PRIMARY KEY (team_id),
    UNIQUE (access_code)
);

CREATE TABLE team_user (
    team_user_id CHAR(32) NOT NULL,
    team_id CHAR(32) NOT NULL,
    user_id CHAR(32) NOT NULL,
    role VARCHAR(50) NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (team_user_id)
);

CREATE INDEX ix_team_user_user_id ON team_user (user_id);

CREATE INDEX ix_team_user_team_id ON team_user (team_id);

CREATE TABLE website (
    website_id CHAR(32) NOT NULL,
    name VARCHAR(100) NOT NULL,
    domain VARCHAR(500),
    reset_at DATETIME,
    user_id CHAR(32),
    team_id CHAR(32),
    created_by CHAR(32),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    deleted_at DATETIME,
    replay_enabled BOOLEAN DEFAULT false NOT NULL,
    replay_config JSON,
    PRIMARY KEY (website_id)
);

CREATE INDEX ix_website_team_id ON website (team_id);

CREATE INDEX ix_website_created_by ON website (created_by);

CREATE INDEX ix_website_created_at ON website (created_at);

CREATE INDEX ix_website_user_id ON website (user_id);

CREATE TABLE link (
    link_id CHAR(32) NOT NULL,
    name VARCHAR(100) NOT NULL,
    url VARCHAR(500) NOT NULL,
    slug VARCHAR(100) NOT NULL,
    user_id CHAR(32),
    team_id CHAR(32),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    deleted_at DATETIME,
    PRIMARY KEY (link_id),
    UNIQUE (slug)
);

CREATE INDEX ix_link_created_at ON link (created_at);

CREATE INDEX ix_link_team_id ON link (team_id);

CREATE INDEX link_slug_idx ON link (slug);

CREATE INDEX ix_link_user_id ON link (user_id);

CREATE TABLE pixel (
    pixel_id CHAR(32) NOT NULL,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(100) NOT NULL,
    user_id CHAR(32),
    team_id CHAR(32),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    deleted_at DATETIME,
    PRIMARY KEY (pixel_id),
    UNIQUE (slug)
);

CREATE INDEX ix_pixel_created_at ON pixel (created_at);

CREATE INDEX ix_pixel_user_id ON pixel (user_id);

CREATE INDEX ix_pixel_team_id ON pixel (team_id);

CREATE INDEX pixel_slug_idx ON pixel (slug);

CREATE TABLE dropped_hit (
    website_id VARCHAR(36) NOT NULL,
    reason VARCHAR(20) NOT NULL,
    day VARCHAR(10) NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (website_id, reason, day)
);

CREATE TABLE board (
    board_id CHAR(32) NOT NULL,
    type VARCHAR(50) NOT NULL,
    name VARCHAR(200) NOT NULL,
    description VARCHAR(500) NOT NULL,
    parameters JSON NOT NULL,
    user_id CHAR(32),
    team_id CHAR(32),
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (board_id)
);

CREATE INDEX board_team_id_idx ON board (team_id);

CREATE INDEX board_created_at_idx ON board (created_at);

CREATE INDEX board_user_id_idx ON board (user_id);

CREATE TABLE share (
    share_id CHAR(32) NOT NULL,
    entity_id CHAR(32) NOT NULL,
    name VARCHAR(200) NOT NULL,
    share_type INTEGER NOT NULL,
    slug VARCHAR(100) NOT NULL,
    parameters JSON NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (share_id),
    CONSTRAINT share_slug_key UNIQUE (slug)
);

CREATE INDEX share_entity_id_idx ON share (entity_id);

CREATE TABLE report (
    report_id CHAR(32) NOT NULL,
    user_id CHAR(32) NOT NULL,
    website_id CHAR(32) NOT NULL,
    type VARCHAR(50) NOT NULL,
    name VARCHAR(200) NOT NULL,
    description VARCHAR(500) NOT NULL,
    parameters JSON NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (report_id)
);

CREATE INDEX report_website_id_idx ON report (website_id);

CREATE INDEX report_name_idx ON report (name);

CREATE INDEX report_user_id_idx ON report (user_id);

CREATE INDEX report_type_idx ON report (type);

CREATE TABLE segment (
    segment_id CHAR(32) NOT NULL,
    website_id CHAR(32) NOT NULL,
    type VARCHAR(50) NOT NULL,
    name VARCHAR(200) NOT NULL,
    parameters JSON NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (segment_id)
);

CREATE INDEX segment_website_id_idx ON segment (website_id);

CREATE TABLE session_replay_saved (
    saved_replay_id CHAR(32) NOT NULL,
    name VARCHAR(100) NOT NULL,
    website_id CHAR(32) NOT NULL,
    visit_id CHAR(32) NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (saved_replay_id),
    CONSTRAINT session_replay_saved_website_id_visit_id_key UNIQUE (website_id, visit_id)
);

CREATE INDEX session_replay_saved_website_id_created_at_idx ON session_replay_saved (website_id, created_at);

CREATE TABLE auth_token (
    token_hash VARCHAR(64) NOT NULL,
    user_id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME,
    PRIMARY KEY (token_hash)
);

CREATE INDEX auth_token_user_id_idx ON auth_token (user_id);
