"""Configuration rows (users, teams, websites, ...) by entity, one repository per module.

`umami_server.storage.metadata_store.MetadataStore` is the facade the rest of the server uses.
"""
