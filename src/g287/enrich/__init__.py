"""Enrich: geography, jurisdiction levels and state policy."""
