"""The Glue API calls the emulator adds to moto (local_aws/emulator/glue/responses.py, models.py),
seen through boto3 as the aws provider sees it."""

from typing import Any
from unittest.mock import ANY

import pytest

from local_aws.clients import client
from local_aws.control import advance_time
from tests.local_aws.moto_gaps import plain_moto, still_lacking, still_unimplemented


@pytest.fixture
def glue(clean_emulator: str) -> Any:
    return client("glue")


def test_jdbc_connection_can_be_described_with_its_type_and_deleted(glue: Any) -> None:
    glue.create_connection(
        ConnectionInput={
            "Name": "source",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/sales", "SECRET_ID": "sales-reader"},
        }
    )
    assert glue.get_connection(Name="source")["Connection"]["ConnectionType"] == "JDBC"

    glue.delete_connection(ConnectionName="source")

    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_connection(Name="source")
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Connection source not found"):
        glue.delete_connection(ConnectionName="source")


def test_jdbc_connection_is_updated_in_place_keeping_its_tags(glue: Any) -> None:
    properties = {"JDBC_CONNECTION_URL": "jdbc:postgresql://db:5432/sales", "SECRET_ID": "sales-reader"}
    definition = {"Name": "source", "ConnectionType": "JDBC", "ConnectionProperties": properties}
    glue.create_connection(ConnectionInput=definition, Tags={"team": "data"})

    enforced = {**properties, "JDBC_ENFORCE_SSL": "true"}
    glue.update_connection(Name="source", ConnectionInput={**definition, "ConnectionProperties": enforced})

    connection = glue.get_connection(Name="source")["Connection"]
    assert connection["ConnectionProperties"]["JDBC_ENFORCE_SSL"] == "true"
    assert glue.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:connection/source")["Tags"] == {"team": "data"}
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Connection missing not found"):
        glue.update_connection(Name="missing", ConnectionInput={**definition, "Name": "missing"})


def test_crawler_is_updated_in_place_keeping_its_crawls_but_not_while_it_runs(glue: Any) -> None:
    role = "arn:aws:iam::123456789012:role/etl-lake-crawler"
    targets = {"S3Targets": [{"Path": "s3://lake/raw/etl/customers/"}]}
    glue.create_crawler(Name="raw", Role=role, DatabaseName="lake", Targets=targets, Description="raw tables written by job1")
    glue.start_crawler(Name="raw")

    with pytest.raises(glue.exceptions.CrawlerRunningException, match="stop it"):
        glue.update_crawler(Name="raw", Description="raw tables written by the extract job")
    while glue.get_crawler(Name="raw")["Crawler"]["State"] != "READY":
        advance_time(1)
    glue.update_crawler(Name="raw", Role=role, Description="raw tables written by the extract job")

    crawler = glue.get_crawler(Name="raw")["Crawler"]
    assert (crawler["Description"], crawler["Targets"], crawler["Version"]) == ("raw tables written by the extract job", targets, 2)
    assert "LastCrawl" in crawler, "its crawls stay"
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.update_crawler(Name="missing", Description="none")


def test_job_is_updated_in_place_keeping_its_runs_and_tags(glue: Any) -> None:
    role = "arn:aws:iam::123456789012:role/etl-glue"
    command = {"Name": "glueetl", "ScriptLocation": "s3://scripts/cleanse_job.py", "PythonVersion": "3"}
    glue.create_job(
        Name="cleanse",
        Role=role,
        Command=command,
        Description="raw to cleansed",
        WorkerType="G.1X",
        NumberOfWorkers=2,
        Tags={"team": "data"},
    )
    created_on = glue.get_job(JobName="cleanse")["Job"]["CreatedOn"]
    run_id = glue.start_job_run(JobName="cleanse")["JobRunId"]

    assert glue.update_job(JobName="cleanse", JobUpdate={"Role": role, "Command": command, "WorkerType": "G.2X", "NumberOfWorkers": 6}) == {
        "JobName": "cleanse",
        "ResponseMetadata": ANY,
    }

    job = glue.get_job(JobName="cleanse")["Job"]
    assert (job["WorkerType"], job["NumberOfWorkers"], job["CreatedOn"]) == ("G.2X", 6, created_on)
    assert "Description" not in job, "what JobUpdate leaves out is reset, as UpdateJob documents"
    assert glue.get_job_run(JobName="cleanse", RunId=run_id)["JobRun"]["Id"] == run_id
    assert glue.get_tags(ResourceArn="arn:aws:glue:us-east-1:123456789012:job/cleanse")["Tags"] == {"team": "data"}
    with pytest.raises(glue.exceptions.EntityNotFoundException, match="Job missing not found"):
        glue.update_job(JobName="missing", JobUpdate={"Role": role, "Command": command})


def test_csv_classifier_can_be_created_read_updated_and_deleted(glue: Any) -> None:
    csv = {"Name": "raw-csv", "Delimiter": ",", "QuoteSymbol": '"', "ContainsHeader": "PRESENT", "Serde": "OpenCSVSerDe"}
    glue.create_classifier(CsvClassifier=csv)
    with pytest.raises(glue.exceptions.AlreadyExistsException):
        glue.create_classifier(CsvClassifier=csv)

    glue.update_classifier(CsvClassifier={**csv, "ContainsHeader": "ABSENT"})
    stored = glue.get_classifier(Name="raw-csv")["Classifier"]["CsvClassifier"]
    assert (stored["ContainsHeader"], stored["Serde"], stored["Version"]) == ("ABSENT", "OpenCSVSerDe", 2)

    glue.delete_classifier(Name="raw-csv")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_classifier(Name="raw-csv")


def test_moto_still_lacks_delete_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        still_unimplemented(lambda: moto_client("glue").delete_connection(ConnectionName="source"), "glue.responses._delete_connection")


def test_moto_still_lacks_update_connection_and_update_crawler(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        glue = moto_client("glue")
        definition = {"Name": "source", "ConnectionType": "JDBC", "ConnectionProperties": {}}
        still_unimplemented(lambda: glue.update_connection(Name="source", ConnectionInput=definition), "glue.responses._update_connection")
        still_unimplemented(lambda: glue.update_crawler(Name="raw", Description="raw"), "glue.responses._update_crawler")


def test_moto_still_lacks_update_job(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        glue = moto_client("glue")
        still_unimplemented(
            lambda: glue.update_job(JobName="job", JobUpdate={"Role": "role", "Command": {"Name": "glueetl"}}), "glue.responses._update_job"
        )


def test_moto_still_omits_a_connections_type(monkeypatch: pytest.MonkeyPatch) -> None:
    with plain_moto(monkeypatch) as moto_client:
        glue = moto_client("glue")
        glue.create_connection(
            ConnectionInput={
                "Name": "source",
                "ConnectionType": "JDBC",
                "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:postgresql://db/x"},
            }
        )
        still_lacking("ConnectionType" not in glue.get_connection(Name="source")["Connection"], "glue.models._connection_as_dict_with_type")


def test_moto_still_lacks_the_classifier_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    csv = {"Name": "raw-csv", "Delimiter": ","}
    with plain_moto(monkeypatch) as moto_client:
        glue = moto_client("glue")
        still_unimplemented(lambda: glue.create_classifier(CsvClassifier=csv), "glue.responses._create_classifier")
        still_unimplemented(lambda: glue.get_classifier(Name="raw-csv"), "glue.responses._get_classifier")
        still_unimplemented(lambda: glue.update_classifier(CsvClassifier=csv), "glue.responses._update_classifier")
        still_unimplemented(lambda: glue.delete_classifier(Name="raw-csv"), "glue.responses._delete_classifier")
