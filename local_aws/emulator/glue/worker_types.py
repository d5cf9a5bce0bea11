"""CreateJob and UpdateJob refuse a Graviton (arm64) worker type on a Glue version without Graviton
workers, as Glue refuses a worker type its version does not offer; moto accepts any string
(tests/local_aws/glue/test_glue_worker_types.py shows the gap and the refusal).

Graviton workers (G.1X.GRAVITON to G.16X.GRAVITON, R.1X.GRAVITON to R.8X.GRAVITON) come with Glue 6.1:
https://docs.aws.amazon.com/glue/latest/dg/migrating-version-61.html ("Graviton (arm64) workers are
the default" on 6.1). Glue answers such a pair with InvalidInputException "Worker type G.4X is not
supported for Glue Version 5.0" (as reported from CreateJob in
https://github.com/hashicorp/terraform-provider-aws/issues/44420); the same words here.
"""

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.exceptions import GlueClientError
from moto.glue.responses import GlueResponse

from local_aws.emulator.glue.job_runs import DEFAULT_GLUE_VERSION

GRAVITON_SUFFIX = ".GRAVITON"
GRAVITON_GLUE_VERSIONS = ("6.1",)

Handler = Callable[[GlueResponse], ActionResult]


def check_worker_type(worker_type: str | None, glue_version: str | None) -> None:
    version = glue_version or DEFAULT_GLUE_VERSION
    if worker_type and worker_type.endswith(GRAVITON_SUFFIX) and version not in GRAVITON_GLUE_VERSIONS:
        raise GlueClientError("InvalidInputException", f"Worker type {worker_type} is not supported for Glue Version {version}")


def _create_job_checked(create_job: Handler) -> Handler:
    def checked(self: GlueResponse) -> ActionResult:
        check_worker_type(self._get_param("WorkerType"), self._get_param("GlueVersion"))
        return create_job(self)

    return checked


def _update_job_checked(update_job: Handler) -> Handler:
    def checked(self: GlueResponse) -> ActionResult:
        update: dict[str, Any] = self._get_param("JobUpdate") or {}
        check_worker_type(update.get("WorkerType"), update.get("GlueVersion"))
        return update_job(self)

    return checked


def refuse_unsupported_worker_types() -> None:
    """Check the worker type of CreateJob and of UpdateJob (the fill); once, after the fills."""
    for action, checked in (("create_job", _create_job_checked), ("update_job", _update_job_checked)):
        setattr(GlueResponse, action, checked(getattr(GlueResponse, action)))
