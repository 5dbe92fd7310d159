"""Reads the host's Open311 GeoReport v2 endpoint with the `georeport` client from PyPI,
anonymously, the way a citizen app or a public dashboard would (tests/e2e/open311_client.rs
runs it; `cargo xtask test` installs the client into target/georeport/venv).

Usage: open311_client.py ROOT SERVICE_CODE REQUEST_ID
  ROOT          the endpoint, e.g. http://127.0.0.1:8080/open311/v2
  SERVICE_CODE  a service whose definition is read
  REQUEST_ID    a request posted before, read back one by one and in a list

Prints one JSON object: the service codes, the definition, the request, the list.
"""

import json
import sys

from georeport import GeoReport


def main() -> None:
    root, service_code, request_id = sys.argv[1:4]
    client = GeoReport(root)
    services = client.get_service_list()
    definition = client.get_service_definition(service_code)
    request = client.get_service_request(request_id)
    listed = client.get_service_requests(service_request_id=request_id)
    recent = client.get_service_requests(status="open")
    print(
        json.dumps(
            {
                "services": [s["service_code"] for s in services],
                "definition": definition,
                "request": request,
                "listed": listed,
                "recent": [r["service_request_id"] for r in recent],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
