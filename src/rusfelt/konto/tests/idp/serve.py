"""Start the test identity provider: ``python -m rusfelt.konto.tests.idp.serve SPEC``.

SPEC is a JSON file naming the port, the database file, the client (id,
secret, redirect URIs) and the users (username, password, groups). The
provider migrates its database, creates a signing key and those objects,
prints READY and serves until killed.
"""

import json
import os
import sys


def main(spec_path: str) -> None:
    spec = json.loads(open(spec_path).read())
    os.environ["RUSFELT_TEST_IDP_PORT"] = str(spec["port"])
    os.environ["RUSFELT_TEST_IDP_DB"] = spec["db"]
    os.environ["DJANGO_SETTINGS_MODULE"] = "rusfelt.konto.tests.idp.settings"
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    client = Client.objects.create(
        name="Rusfelt", client_type="confidential", client_id=spec["client_id"],
        client_secret=spec["client_secret"], jwt_alg="RS256", require_consent=False,
        redirect_uris=spec["redirect_uris"],
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    for u in spec["users"]:
        user = User.objects.create_user(u["username"], password=u["password"],
                                        first_name=u.get("first_name", ""),
                                        last_name=u.get("last_name", ""))
        for name in u.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    print("READY", flush=True)
    run("127.0.0.1", spec["port"], get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(sys.argv[1])
