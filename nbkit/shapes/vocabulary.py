"""The shape checker's vocabulary: the tags it can give, with meanings from the one registry.

The set of tags is :data:`nbkit.diagnoses.SHAPE_TAGS`; each tag's sentence is the one
registered in :mod:`nbkit.diagnoses` (no second list of meanings here). A new kind of
mistake is registered there (and gets a fixture in ``tests/test_shapes_catalogue.py``)
before the checker may return it.
"""
from __future__ import annotations

from nbkit.diagnoses import SHAPE_TAGS, meaning

DIAGNOSES: dict[str, str] = {tag: meaning(tag) for tag in SHAPE_TAGS}

TAGS: tuple[str, ...] = tuple(SHAPE_TAGS)
