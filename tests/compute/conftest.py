import pytest

from cohort.models import Role


@pytest.fixture
def operations(make_member):
    return make_member(Role.OPERATIONS, name="Olu Operations")


@pytest.fixture
def ta(make_member):
    return make_member(Role.TA, name="Tara Assistant")


@pytest.fixture
def private_files(settings):
    """Every file under PRIVATE_MEDIA_ROOT, as relative paths."""

    def listing():
        root = settings.PRIVATE_MEDIA_ROOT
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return listing
