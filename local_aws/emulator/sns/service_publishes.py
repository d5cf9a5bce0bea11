"""Whether an AWS service may publish to a topic as its own service principal: CloudWatch an alarm's
state change (cloudwatch.amazonaws.com), EventBridge a rule's event (events.amazonaws.com). Both ask
here; a refusal means the delivery fails and the topic gets nothing.

Two things must allow it:
1. The topic's access policy must allow the service principal sns:Publish on the topic. The request
   carries aws:SourceArn, the ARN of the alarm or rule it publishes for, and aws:SourceAccount, its
   account, which the topic policy's conditions may test
   (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html: "Allow any CloudWatch
   alarm to publish to a topic in a different account" tests aws:SourceArn). A topic whose policy was
   never set has SNS's default: any principal (`"AWS": "*"`) may publish under `"AWS:SourceOwner":
   <the topic's account>`, which "grants access to your topic to all other AWS services ... only on
   behalf of AWS resources you own" (same page). Yet not to every service: an EventBridge rule
   cannot publish to a new topic until its policy gets a statement for events.amazonaws.com
   (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions;
   without it the rule counts FailedInvocations,
   https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification), while an alarm
   publishes to a topic of its account under the default policy and fails only when the topic's
   policy leaves it out; its history then says "Failed to execute action <topic ARN>. Received error:
   "Resource: <alarm ARN> is not authorized to perform: SNS:Publish on resource: <topic ARN>""
   (https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). The emulator gets
   both by giving CloudWatch's request aws:SourceOwner (the alarm's account) and EventBridge's none.
2. The topic's customer-managed KMS key must let the service use it (kms/uses.py).
"""

import json

from moto.sns.models import sns_backends

from local_aws.emulator.iam.policy import Decision, PolicyDocument, evaluate
from local_aws.emulator.kms.keys import names_service
from local_aws.emulator.kms.uses import service_key_refusal

PUBLISHERS_NAMING_THEIR_OWNER = {"cloudwatch.amazonaws.com"}


def _topic_policy_refusal(service_principal: str, topic_arn: str, source_arn: str) -> str | None:
    _, _, _, region, account, _ = topic_arn.split(":", 5)
    topic = sns_backends[account][region].topics.get(topic_arn)
    if topic is None:
        return "Topic does not exist"
    source_account = source_arn.split(":")[4]
    context: dict[str, str | list[str]] = {
        "aws:SourceArn": source_arn,
        "aws:SourceAccount": source_account,
        "aws:PrincipalServiceName": service_principal,
    }
    if service_principal in PUBLISHERS_NAMING_THEIR_OWNER:
        context["aws:SourceOwner"] = source_account
    policy = PolicyDocument.of(json.loads(topic.policy))
    if evaluate([policy], "sns:Publish", topic_arn, context, principal_matches=names_service(service_principal)) is Decision.ALLOWED:
        return None
    return f"Resource: {source_arn} is not authorized to perform: SNS:Publish on resource: {topic_arn}"


def service_publish_refusal(service_principal: str, topic_arn: str, source_arn: str) -> str | None:
    """Why `service_principal`, publishing to `topic_arn` for the alarm or rule `source_arn`, cannot:
    the topic's policy or its KMS key; None when it may."""
    return _topic_policy_refusal(service_principal, topic_arn, source_arn) or service_key_refusal(service_principal, topic_arn)
