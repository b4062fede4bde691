#!/usr/bin/env python3
"""zbx_api.py - a Zabbix JSON-RPC API call from the command line (tests/zabbix/zabbix.sh).

  zbx_api.py URL METHOD [PARAMS_JSON|@FILE]   prints the result as JSON; exit 1 on an API or
                                              transport error (the error on stderr)
  ZBX_AUTH (environment): the session token of user.login, sent as "auth".
  zbx_api.py --yaml-json FILE                 prints the file's text as a JSON string (the
                                              "source" of configuration.import)
"""
import json
import os
import sys
import urllib.error
import urllib.request


def call(url, method, params):
    req = {"jsonrpc": "2.0", "method": method, "params": params, "id": 1}
    if os.environ.get("ZBX_AUTH") and method not in ("user.login", "apiinfo.version"):
        req["auth"] = os.environ["ZBX_AUTH"]
    http = urllib.request.Request(url, data=json.dumps(req).encode(),
                                  headers={"Content-Type": "application/json-rpc"})
    with urllib.request.urlopen(http, timeout=120) as r:
        body = r.read().decode("utf-8", "replace")
    try:
        ans = json.loads(body)
    except ValueError:
        raise RuntimeError("not JSON: " + body[:500])
    if "error" in ans:
        raise RuntimeError(json.dumps(ans["error"]))
    return ans["result"]


def main(argv):
    if len(argv) == 3 and argv[1] == "--yaml-json":
        with open(argv[2], encoding="utf-8") as f:
            print(json.dumps(f.read()))
        return 0
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    params = {}
    if len(argv) == 4:
        text = argv[3]
        if text.startswith("@"):
            with open(text[1:], encoding="utf-8") as f:
                text = f.read()
        params = json.loads(text)
    try:
        print(json.dumps(call(argv[1], argv[2], params)))
    except (RuntimeError, urllib.error.URLError, OSError) as e:
        print("%s: %s" % (argv[2], e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
