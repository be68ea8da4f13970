"""Docs cache (issue 7): download the catalog's ``page`` URLs into ``<cache>/wix-docs/...``."""
