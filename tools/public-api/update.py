#!/usr/bin/env python3
"""Brings a project's PublicAPI.*.txt in line with its code (the PublicApiAnalyzers' own code fix, from the command line).

Usage: tools/public-api/update.py PROJECT.csproj
Builds the project with a SARIF log, adds every symbol RS0016 reports (new public API) to PublicAPI.Unshipped.txt and
drops every one RS0017 reports (removed API) from both files. Review the diff: it is the contract change.
"""
import json
import os
import subprocess
import sys
import tempfile


def main(project):
    folder = os.path.dirname(os.path.abspath(project))
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "build.sarif")
        # --no-incremental: an up-to-date build runs no analyzers and writes no log.
        subprocess.run(["dotnet", "build", project, "--no-incremental", "-v", "q", "-nologo", f"-p:ErrorLog={log}%2Cversion=2.1"],
                       stdout=subprocess.DEVNULL, check=False)
        results = json.load(open(log))["runs"][0]["results"]
    added, removed = set(), set()
    for result in results:
        name = result.get("properties", {}).get("customProperties", {}).get("APIName")
        if result["ruleId"] == "RS0016" and name:
            added.add(name)
        elif result["ruleId"] == "RS0017":
            # RS0017's message quotes the API line: "Symbol 'X' is part of the declared API, but is either not public or could not be found"
            text = result["message"]["text"]
            removed.add(text[text.index("'") + 1:text.rindex("' is part")])
    for file in ("PublicAPI.Shipped.txt", "PublicAPI.Unshipped.txt"):
        path = os.path.join(folder, file)
        lines = [l.rstrip("\n") for l in open(path)] if os.path.exists(path) else ["#nullable enable"]
        header = [l for l in lines if l.startswith("#")] or ["#nullable enable"]
        body = {l for l in lines if l and not l.startswith("#") and l not in removed}
        if file.endswith("Unshipped.txt"):
            body |= added
        with open(path, "w") as out:
            out.write("\n".join(header + sorted(body, key=str.lower)) + "\n")
    print(f"{len(added)} added, {len(removed)} removed")


if __name__ == "__main__":
    main(sys.argv[1])
