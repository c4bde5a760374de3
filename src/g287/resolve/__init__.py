"""Resolve: identities, lineage and status of agreements across publications."""
