-- metadata.sqlite as the server created it while Umami's unique keys were UNIQUE constraints
-- (before they became unique indexes named <table>_<column>_key): metadata migrations 1 to 3,
-- table and index DDL as SQLite stored it (white space tidied).

CREATE TABLE umami_server_migration (
    version INTEGER NOT NULL,
    applied_at DATETIME,
    PRIMARY KEY (version)
);

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
    CONSTRAINT user_username_key UNIQUE (username)
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
    CONSTRAINT team_access_code_key UNIQUE (access_code)
);

CREATE INDEX team_access_code_idx ON team (access_code);

CREATE TABLE team_user (
    team_user_id CHAR(32) NOT NULL,
    team_id CHAR(32) NOT NULL,
    user_id CHAR(32) NOT NULL,
    role VARCHAR(50) NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME,
    PRIMARY KEY (team_user_id)
);

CREATE INDEX team_user_user_id_idx ON team_user (user_id);

CREATE INDEX team_user_team_id_idx ON team_user (team_id);

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

CREATE INDEX website_team_id_idx ON website (team_id);

CREATE INDEX website_created_at_idx ON website (created_at);

CREATE INDEX website_user_id_idx ON website (user_id);

CREATE INDEX website_created_by_idx ON website (created_by);

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
    CONSTRAINT link_slug_key UNIQUE (slug)
);

CREATE INDEX link_team_id_idx ON link (team_id);

CREATE INDEX link_created_at_idx ON link (created_at);

CREATE INDEX link_slug_idx ON link (slug);

CREATE INDEX link_user_id_idx ON link (user_id);

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
    CONSTRAINT pixel_slug_key UNIQUE (slug)
);

CREATE INDEX pixel_created_at_idx ON pixel (created_at);

CREATE INDEX pixel_slug_idx ON pixel (slug);

CREATE INDEX pixel_team_id_idx ON pixel (team_id);

CREATE INDEX pixel_user_id_idx ON pixel (user_id);

CREATE TABLE umami_server_dropped_hit (
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

CREATE INDEX board_created_at_idx ON board (created_at);

CREATE INDEX board_user_id_idx ON board (user_id);

CREATE INDEX board_team_id_idx ON board (team_id);

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

CREATE INDEX session_replay_saved_visit_id_idx ON session_replay_saved (visit_id);

CREATE INDEX session_replay_saved_website_id_created_at_idx ON session_replay_saved (website_id, created_at);

CREATE INDEX session_replay_saved_website_id_idx ON session_replay_saved (website_id);

CREATE TABLE umami_server_auth_token (
    token_hash VARCHAR(64) NOT NULL,
    user_id CHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME,
    PRIMARY KEY (token_hash)
);

CREATE INDEX umami_server_auth_token_user_id_idx ON umami_server_auth_token (user_id);
