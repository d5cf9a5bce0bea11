"""Glue API calls the aws provider needs and moto 5.2 lacks, filled into moto's Glue responses
(tests/local_aws/glue/test_glue_api_fills.py shows each fill at work):
- glue:DeleteConnection is missing, so `terraform destroy` of a JDBC connection fails;
- glue:UpdateConnection is missing, so an apply that changes the connection in place (e.g. an
  existing deployment gaining JDBC_ENFORCE_SSL) fails;
- glue:UpdateCrawler is missing, so an apply that changes a crawler in place (its description,
  targets, schema change policy) fails;
- glue:UpdateJob is missing, so an apply that changes a job in place (its workers, arguments,
  script) fails;
- glue:CreateClassifier, GetClassifier, UpdateClassifier and DeleteClassifier are missing, so
  aws_glue_classifier can be neither created nor read (CSV classifiers are kept, for the crawler
  emulation to honour).
"""

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.glue.exceptions import AlreadyExistsException, CrawlerRunningException, EntityNotFoundException, GlueClientError
from moto.glue.models import FakeConnection, FakeJob
from moto.glue.responses import GlueResponse


def _delete_connection(self: GlueResponse) -> ActionResult:
    name = self._get_param("ConnectionName")
    if self.glue_backend.connections.pop(name, None) is None:
        raise EntityNotFoundException(f"Connection {name} not found")
    return EmptyResult()


def _update_connection(self: GlueResponse) -> ActionResult:
    # UpdateConnection replaces the definition with ConnectionInput (Glue API reference,
    # UpdateConnection); the connection keeps its creation time and tags.
    name = self._get_param("Name")
    connection = self.glue_backend.connections.get(name)
    if connection is None:
        raise EntityNotFoundException(f"Connection {name} not found")
    created_time, definition = connection.created_time, self._get_param("ConnectionInput")
    FakeConnection.__init__(connection, self.glue_backend, connection.catalog_id, definition, self.glue_backend.get_tags(connection.arn))
    connection.created_time = created_time
    self.glue_backend.connections[definition["Name"]] = self.glue_backend.connections.pop(name)
    return EmptyResult()


# UpdateCrawler changes the fields it is given; a running crawler must be stopped first, or it
# fails with CrawlerRunningException (Glue API reference, UpdateCrawler:
# https://docs.aws.amazon.com/glue/latest/webapi/API_UpdateCrawler.html). Its crawls stay.
CRAWLER_UPDATE_FIELDS = {
    "Role": "role",
    "DatabaseName": "database_name",
    "Description": "description",
    "Targets": "targets",
    "Schedule": "schedule",
    "Classifiers": "classifiers",
    "TablePrefix": "table_prefix",
    "SchemaChangePolicy": "schema_change_policy",
    "RecrawlPolicy": "recrawl_policy",
    "LineageConfiguration": "lineage_configuration",
    "Configuration": "configuration",
    "CrawlerSecurityConfiguration": "crawler_security_configuration",
}


def _update_crawler(self: GlueResponse) -> ActionResult:
    name = self._get_param("Name")
    crawler = self.glue_backend.get_crawler(name)
    if crawler.status != "READY":
        raise CrawlerRunningException(f"Crawler {name} is running: stop it (StopCrawler) before updating it")
    for field, attribute in CRAWLER_UPDATE_FIELDS.items():
        value = self._get_param(field)
        if value is not None:
            setattr(crawler, attribute, value)
    crawler.last_updated = utcnow()
    crawler.version += 1
    return EmptyResult()


# UpdateJob "completely overwrites" the job definition; what JobUpdate leaves out "is removed or reset
# to default values" (Glue API reference, UpdateJob). The job keeps its runs, tags, creation time and
# bookmark (kept per job object), so it is rebuilt in place.
JOB_UPDATE_FIELDS = {
    "Role": "role",
    "Command": "command",
    "Description": "description",
    "LogUri": "log_uri",
    "ExecutionProperty": "execution_property",
    "DefaultArguments": "default_arguments",
    "NonOverridableArguments": "non_overridable_arguments",
    "Connections": "connections",
    "MaxRetries": "max_retries",
    "AllocatedCapacity": "allocated_capacity",
    "Timeout": "timeout",
    "MaxCapacity": "max_capacity",
    "SecurityConfiguration": "security_configuration",
    "NotificationProperty": "notification_property",
    "GlueVersion": "glue_version",
    "NumberOfWorkers": "number_of_workers",
    "WorkerType": "worker_type",
    "CodeGenConfigurationNodes": "code_gen_configuration_nodes",
    "ExecutionClass": "execution_class",
    "SourceControlDetails": "source_control_details",
}


def _update_job(self: GlueResponse) -> ActionResult:
    name = self._get_param("JobName")
    job = self.glue_backend.get_job(name)
    update = self._get_param("JobUpdate") or {}
    runs, created_on = job.job_runs, job.created_on
    definition: dict[str, Any] = {argument: update.get(field) for field, argument in JOB_UPDATE_FIELDS.items()}
    FakeJob.__init__(job, name=name, tags=self.glue_backend.get_tags(job.arn), backend=self.glue_backend, **definition)
    job.job_runs, job.created_on = runs, created_on
    return ActionResult({"JobName": name})


CLASSIFIER_KINDS = ("GrokClassifier", "XMLClassifier", "JsonClassifier", "CsvClassifier")


def _classifiers(response: GlueResponse) -> dict[str, dict[str, Any]]:
    # Kept on the backend itself, so that a reset of the emulator forgets them with everything else.
    backend = response.glue_backend
    if not hasattr(backend, "local_aws_classifiers"):
        setattr(backend, "local_aws_classifiers", {})  # noqa: B010
    classifiers: dict[str, dict[str, Any]] = getattr(backend, "local_aws_classifiers")  # noqa: B009
    return classifiers


def _classifier_input(response: GlueResponse) -> tuple[str, dict[str, Any]]:
    given = [(kind, response._get_param(kind)) for kind in CLASSIFIER_KINDS if response._get_param(kind)]
    if len(given) != 1:
        raise GlueClientError("InvalidInputException", f"Give exactly one of {', '.join(CLASSIFIER_KINDS)}.")
    return given[0]


def _create_classifier(self: GlueResponse) -> ActionResult:
    kind, spec = _classifier_input(self)
    classifiers = _classifiers(self)
    if spec["Name"] in classifiers:
        raise AlreadyExistsException(f"Classifier {spec['Name']}")
    now = utcnow()
    classifiers[spec["Name"]] = {kind: {**spec, "CreationTime": now, "LastUpdated": now, "Version": 1}}
    return EmptyResult()


def _get_classifier(self: GlueResponse) -> ActionResult:
    name = self._get_param("Name")
    if name not in _classifiers(self):
        raise EntityNotFoundException(f"Classifier {name} not found")
    return ActionResult({"Classifier": _classifiers(self)[name]})


def _update_classifier(self: GlueResponse) -> ActionResult:
    kind, spec = _classifier_input(self)
    classifiers = _classifiers(self)
    if kind not in classifiers.get(spec["Name"], {}):
        raise EntityNotFoundException(f"Classifier {spec['Name']} not found")
    previous = classifiers[spec["Name"]][kind]
    classifiers[spec["Name"]] = {
        kind: {**spec, "CreationTime": previous["CreationTime"], "LastUpdated": utcnow(), "Version": previous["Version"] + 1}
    }
    return EmptyResult()


def _delete_classifier(self: GlueResponse) -> ActionResult:
    name = self._get_param("Name")
    if _classifiers(self).pop(name, None) is None:
        raise EntityNotFoundException(f"Classifier {name} not found")
    return EmptyResult()


FILLS: list[tuple[type, str, Any]] = [
    (GlueResponse, "delete_connection", _delete_connection),
    (GlueResponse, "update_connection", _update_connection),
    (GlueResponse, "update_crawler", _update_crawler),
    (GlueResponse, "update_job", _update_job),
    (GlueResponse, "create_classifier", _create_classifier),
    (GlueResponse, "get_classifier", _get_classifier),
    (GlueResponse, "update_classifier", _update_classifier),
    (GlueResponse, "delete_classifier", _delete_classifier),
]
