"""Enrichment of collected hits: client IP, user agent, bots, geolocation and page URLs."""
