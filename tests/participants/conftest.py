import io

import pytest
from PIL import Image

from cohort.models import Role


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a folder that disappears with the test."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ta(make_member):
    return make_member(Role.TA, name="Tara Assistant")


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 40, 40), **save_kwargs) -> bytes:
    out = io.BytesIO()
    mode = "RGB"
    Image.new(mode, size, color).save(out, fmt, **save_kwargs)
    return out.getvalue()


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []
