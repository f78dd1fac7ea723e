import pytest

from cohort import production
from tests.fakes import s3


@pytest.fixture(scope="session")
def s3_endpoint():
    with s3.running_s3() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(settings, s3_endpoint, tmp_path):
    """A fresh bucket that photos and receipts go to, as they would with the environment set;
    the local folders point at empty temporary ones so that nothing can hide there."""
    bucket = s3.new_bucket(s3_endpoint)
    env = s3.environment(s3_endpoint, bucket)
    storages = production.file_storages(
        bucket=env["AWS_STORAGE_BUCKET_NAME"],
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        access_key=env["AWS_ACCESS_KEY_ID"],
        secret_key=env["AWS_SECRET_ACCESS_KEY"],
        region=env["AWS_S3_REGION_NAME"],
        addressing_style=env["AWS_S3_ADDRESSING_STYLE"],
        signed_url_seconds=60,
    )
    settings.STORAGES = {**storages, "staticfiles": settings.STORAGES["staticfiles"]}
    settings.MEDIA_ROOT = tmp_path / "media"
    return bucket
