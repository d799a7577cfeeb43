"""An S3-compatible object storage of the test's own: moto's server mode, a real HTTP server
on a free port, spoken to by django-storages through boto3 as a provider would be."""

import socket

import boto3

from tests.helpers.process import ChildProcess
from tests.helpers.smtp import free_port

ACCESS_KEY, SECRET_KEY, REGION = "essai", "secret-d-essai", "eu-west-3"


class S3Server(ChildProcess):
    name = "le serveur S3 (moto)"

    def __init__(self, *, log_path):
        super().__init__(log_path=log_path)
        self.port = free_port()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arguments(self) -> list[str]:
        return ["moto.server", "-H", "127.0.0.1", "-p", str(self.port)]

    def is_ready(self) -> bool:
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def storage_settings(self, project_storage: dict, bucket: str) -> dict:
        """The project's own S3 storage setting (cress/settings.py), pointed at this server."""
        options = {
            "bucket_name": bucket,
            "endpoint_url": self.endpoint,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
        }
        return {**project_storage, "OPTIONS": {**project_storage["OPTIONS"], **options}}
