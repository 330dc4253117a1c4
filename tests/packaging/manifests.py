"""Validators for mote's ecosystem manifests, each written from that ecosystem's documented schema
(Python standard library only). Each returns a list of problems, one sentence each; [] is valid.

  arduino_library(dir)            library.properties and the 1.5 library layout
  platformio_library(path, root)  library.json (platformio_include_dirs: what a project sees)
  zephyr_module(path, root)       zephyr/module.yml, with the CMake and Kconfig files it names
  zephyr_sample(dir)              a sample listed in module.yml (twister's sample.yaml, app files)
  idf_component(path, root)       idf_component.yml (the component's, or an example project's)

Paths a manifest lists are resolved against `root` and must exist. YAML is read by read_yaml, a
strict reader of the block-style subset the manifests use.
"""
import json
import os
import re

URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def _url_problems(where, value):
    return [] if isinstance(value, str) and URL.match(value) else \
        ["%s: %r is not an http(s) URL" % (where, value)]


def _unknown_keys(where, mapping, known):
    return ["%s: unknown key %r (known: %s)" % (where, k, ", ".join(sorted(known)))
            for k in mapping if k not in known]


def _str_list(value):
    """A field documented as 'String or Array' of strings, as a list; None if it is neither."""
    if isinstance(value, str):
        return [s.strip() for s in value.split(",")]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


# --- YAML ------------------------------------------------------------------------------------

class YamlError(Exception):
    pass


_PLAIN_FORBIDDEN_START = tuple("[]{}&*!|>%@`'\"")
_AMBIGUOUS_BOOLS = {"yes", "no", "on", "off", "y", "n"}  # YAML 1.1 booleans, 1.2 strings


def _strip_comment(text):
    """The line without a trailing comment: a # after a space, outside a quoted scalar."""
    quote, i = None, 0
    while i < len(text):
        c = text[i]
        if quote and text.startswith("\\" if quote == '"' else "''", i):
            i += 2  # an escape inside the quotes
            continue
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"" and (i == 0 or text[i - 1] in " \t"):
            quote = c
        elif c == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
        i += 1
    return text.rstrip()


def _scalar(text, where):
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2:
            raise YamlError("%s: unterminated double-quoted string" % where)
        try:
            return json.loads(text)
        except ValueError:
            raise YamlError("%s: escape outside the JSON subset in %s" % (where, text))
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise YamlError("%s: unterminated single-quoted string" % where)
        return text[1:-1].replace("''", "'")
    if text.startswith(_PLAIN_FORBIDDEN_START) or ": " in text:
        raise YamlError("%s: %r is outside the YAML subset read here (flow collection, anchor, "
                        "tag, block scalar or nested mapping)" % (where, text))
    if text.lower() in _AMBIGUOUS_BOOLS:
        raise YamlError("%s: %r is a boolean in YAML 1.1 and a string in 1.2: quote it" %
                        (where, text))
    if text in ("true", "false"):
        return text == "true"
    if text in ("null", "~"):
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def read_yaml(path):
    """Block mappings, block sequences (of scalars or mappings) and plain, single- or
    double-quoted one-line scalars; comments. Anything else is an error, not a guess."""
    lines = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            if "\t" in raw[:len(raw) - len(raw.lstrip())]:
                raise YamlError("%s:%d: tab in indentation" % (path, number))
            text = _strip_comment(raw.rstrip("\n"))
            if text.strip():
                lines.append([len(text) - len(text.lstrip()), text.strip(), number])
    if not lines:
        return None
    value, end = _block(lines, 0, lines[0][0], path)
    if end != len(lines):
        raise YamlError("%s:%d: unexpected indentation" % (path, lines[end][2]))
    return value


def _is_item(text):
    return text == "-" or text.startswith("- ")


def _block(lines, i, indent, path):
    return (_sequence if _is_item(lines[i][1]) else _mapping)(lines, i, indent, path)


def _value_below(lines, i, indent, path):
    """The value of a key or item whose text ended at line i - 1."""
    if i < len(lines) and lines[i][0] > indent:
        return _block(lines, i, lines[i][0], path)
    return None, i


def _mapping(lines, i, indent, path):
    result = {}
    while i < len(lines) and lines[i][0] == indent and not _is_item(lines[i][1]):
        _, text, number = lines[i]
        where = "%s:%d" % (path, number)
        m = re.fullmatch(r"([A-Za-z0-9_$][A-Za-z0-9_.$-]*):(?: (.*))?", text)
        if not m:
            raise YamlError("%s: expected 'key: value', got %r" % (where, text))
        key, rest = m.group(1), (m.group(2) or "").strip()
        if key in result:
            raise YamlError("%s: duplicate key %r" % (where, key))
        if rest:
            result[key], i = _scalar(rest, where), i + 1
        elif i + 1 < len(lines) and lines[i + 1][0] == indent and _is_item(lines[i + 1][1]):
            result[key], i = _sequence(lines, i + 1, indent, path)  # "key:\n- item" is legal
        else:
            result[key], i = _value_below(lines, i + 1, indent, path)
    return result, i


def _sequence(lines, i, indent, path):
    result = []
    while i < len(lines) and lines[i][0] == indent and _is_item(lines[i][1]):
        _, text, number = lines[i]
        item = text[1:].lstrip()
        if not item:
            value, i = _value_below(lines, i + 1, indent, path)
        elif re.match(r"[A-Za-z0-9_$][A-Za-z0-9_.$-]*:(?: |$)", item):
            lines[i] = [indent + len(text) - len(item), item, number]  # "- key: v" opens a mapping
            value, i = _mapping(lines, i, lines[i][0], path)
        else:
            value, i = _scalar(item, "%s:%d" % (path, number)), i + 1
        result.append(value)
    return result, i


def _load_yaml(path):
    try:
        return read_yaml(path), []
    except (YamlError, OSError, UnicodeDecodeError) as e:
        return None, [str(e)]


# --- Arduino ----------------------------------------------------------------------------------
# Arduino library specification, 1.5 format rev. 2.2:
#   https://arduino.github.io/arduino-cli/latest/library-specification/
# "Unless noted otherwise below, all fields are required": name, version, author, maintainer,
# sentence, paragraph, url; category (default Uncategorized) and architectures (default *) have
# defaults; depends, dot_a_linkage, includes, precompiled, ldflags are optional. The name rules
# (characters, at most 63, not starting with "Arduino") are arduino-lint's schema
#   https://raw.githubusercontent.com/arduino/arduino-lint/main/etc/schemas/arduino-library-properties-definitions-schema.json
# Layout: library.properties at the root; sources under src/ (recursive layout); each example
# examples/<Name>/<Name>.ino; root folder name: a letter or digit, then letters, digits, _ . -,
# at most 63 characters.

ARDUINO_REQUIRED = ("name", "version", "author", "maintainer", "sentence", "paragraph", "url")
ARDUINO_OPTIONAL = ("category", "architectures", "depends", "dot_a_linkage", "includes",
                    "precompiled", "ldflags")
ARDUINO_CATEGORIES = ("Display", "Communication", "Signal Input/Output", "Sensors",
                      "Device Control", "Timing", "Data Storage", "Data Processing", "Other",
                      "Uncategorized")
ARDUINO_NAME = re.compile(r"^(([a-zA-Z][a-zA-Z0-9 _.\-]*)|([0-9][a-zA-Z0-9 _.\-]*[a-zA-Z]"
                          r"[a-zA-Z0-9 _.\-]*))*$")
# "1.2.0 is correct; 1.2 is accepted; r5, 003, 1.1c are invalid"
ARDUINO_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?"
                             r"(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
ARDUINO_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,62}$")


def read_properties(path):
    """key=value lines (UTF-8); '#' starts a comment line. Returns (dict, problems)."""
    values, problems = {}, []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if "=" not in line:
                problems.append("%s:%d: not key=value: %r" % (path, number, line))
                continue
            key, value = (s.strip() for s in line.split("=", 1))
            if key in values:
                problems.append("%s:%d: %s given twice" % (path, number, key))
            values[key] = value
    return values, problems


def arduino_library(library):
    properties = os.path.join(library, "library.properties")
    if not os.path.isfile(properties):
        return ["%s: no library.properties" % library]
    p, problems = read_properties(properties)
    where = "library.properties"
    problems += ["%s: required field %s is missing or empty" % (where, k)
                 for k in ARDUINO_REQUIRED if not p.get(k)]
    problems += _unknown_keys(where, p, ARDUINO_REQUIRED + ARDUINO_OPTIONAL)
    name = p.get("name", "")
    if name and (not ARDUINO_NAME.match(name) or len(name) > 63 or name.startswith("Arduino")):
        problems.append("%s: name %r: letters, digits, space _ . - only, starting with a letter "
                        "or digit, at most 63, not starting with 'Arduino'" % (where, name))
    if p.get("version") and not ARDUINO_VERSION.match(p["version"]):
        problems.append("%s: version %r is not semver (1.2.0, or 1.2)" % (where, p["version"]))
    if p.get("url"):
        problems += _url_problems(where + ": url", p["url"])
    if p.get("category", "Uncategorized") not in ARDUINO_CATEGORIES:
        problems.append("%s: category %r is not one of %s" %
                        (where, p["category"], ", ".join(ARDUINO_CATEGORIES)))
    if "architectures" in p and not all(_str_list(p["architectures"])):
        problems.append("%s: architectures %r has an empty entry" % (where, p["architectures"]))
    src = os.path.join(library, "src")
    for header in _str_list(p.get("includes", "")) or []:
        if header and not os.path.isfile(os.path.join(src, header)):
            problems.append("%s: includes %s, which is not in src/" % (where, header))
    if not ARDUINO_FOLDER.match(os.path.basename(os.path.abspath(library))):
        problems.append("library folder %r: a letter or digit, then letters, digits, _ . -, at "
                        "most 63 characters" % os.path.basename(library))
    if not os.path.isdir(src):
        problems.append("no src/: the 1.5 layout keeps the sources there")
    examples = os.path.join(library, "examples")
    for sketch in sorted(os.listdir(examples)) if os.path.isdir(examples) else []:
        if not os.path.isfile(os.path.join(examples, sketch, sketch + ".ino")):
            problems.append("examples/%s has no %s.ino (a sketch is named like its folder)" %
                            (sketch, sketch))
    return problems


# --- PlatformIO -------------------------------------------------------------------------------
# library.json: https://docs.platformio.org/en/latest/manifests/library-json/index.html
# Required: name (1..100 characters, none of : ; / , @ < >) and version (1..50, with a dot, in
# the Semantic Versioning form). The rules of the optional fields are platformio-core's manifest
# schema (platformio/package/manifest/schema.py, ManifestSchema): keywords [a-z0-9-+. ] (1..50),
# platforms and frameworks [a-z0-9-_] or *, authors {name 1..50, email, url, maintainer},
# repository {type git|hg|svn, url}, examples {name [a-zA-Z0-9-_/], base, files}; "build" takes
# the fields of https://docs.platformio.org/en/latest/manifests/library-json/fields/build/.
# license must be an SPDX identifier; its spelling is checked, not the SPDX list (offline).

PIO_FIELDS = ("$schema", "name", "version", "description", "keywords", "homepage", "repository",
              "authors", "license", "frameworks", "platforms", "headers", "examples",
              "dependencies", "export", "scripts", "build")
PIO_BUILD = ("flags", "unflags", "includeDir", "srcDir", "srcFilter", "extraScript",
             "libArchive", "libLDFMode", "libCompatMode", "builder")
PIO_AUTHOR = {"name", "email", "url", "maintainer"}
PIO_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.+-]+)?$")
PIO_SLUG = re.compile(r"^([a-z\d\-_]+|\*)$")
SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")


def platformio_include_dirs(m, root):
    """The folders a project using the library gets on its include path: build.includeDir and
    the -I folders of build.flags (PlatformIO shares these, not the other flags, with the
    project), relative to the library's root."""
    build = m.get("build", {})
    dirs = [os.path.join(root, build.get("includeDir", "include"))]
    flags = build.get("flags", [])
    tokens = iter(" ".join([flags] if isinstance(flags, str) else flags).split())
    for token in tokens:
        if token.startswith("-I"):
            dirs.append(os.path.join(root, token[2:] or next(tokens, "")))
    return dirs


def platformio_library(path, root):
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        return ["%s: %s" % (path, e)]
    if not isinstance(m, dict):
        return ["%s: not a JSON object" % path]
    where = "library.json"
    problems = _unknown_keys(where, m, PIO_FIELDS)
    name, version = m.get("name"), m.get("version")
    if not (isinstance(name, str) and 1 <= len(name) <= 100 and not re.search(r"[:;/,@<>]", name)):
        problems.append("%s: name %r: 1..100 characters, none of : ; / , @ < >" % (where, name))
    if not (isinstance(version, str) and len(version) <= 50 and PIO_VERSION.match(version)):
        problems.append("%s: version %r is not a semantic version" % (where, version))
    if "description" in m and not (isinstance(m["description"], str)
                                   and 1 <= len(m["description"]) <= 1000):
        problems.append("%s: description: 1..1000 characters" % where)
    for k in _str_list(m.get("keywords", [])) or [None]:
        if k is None or not re.fullmatch(r"[a-z\d\-+. ]{1,50}", k):
            problems.append("%s: keyword %r: 1..50 of [a-z0-9-+. ]" % (where, k))
    for field in ("platforms", "frameworks"):
        for v in _str_list(m.get(field, "*")) or [None]:
            if v is None or not PIO_SLUG.match(v):
                problems.append("%s: %s entry %r: [a-z0-9-_] or *" % (where, field, v))
    if "homepage" in m:
        problems += _url_problems(where + ": homepage", m["homepage"])
    if "license" in m and not (isinstance(m["license"], str) and SPDX_ID.match(m["license"])):
        problems.append("%s: license %r is not an SPDX identifier" % (where, m["license"]))
    repo = m.get("repository", {})
    if not (isinstance(repo, dict) and repo.get("type", "git") in ("git", "hg", "svn")
            and ("repository" not in m or isinstance(repo.get("url"), str))):
        problems.append("%s: repository: {type: git|hg|svn, url}" % where)
    authors = m.get("authors", [])
    for a in authors if isinstance(authors, list) else [authors]:
        if not (isinstance(a, dict) and isinstance(a.get("name"), str)
                and 1 <= len(a["name"]) <= 50 and not set(a) - PIO_AUTHOR
                and isinstance(a.get("maintainer", False), bool)):
            problems.append("%s: author %r: {name (1..50), email, url, maintainer}" % (where, a))
    build = m.get("build", {})
    if not isinstance(build, dict):
        return problems + ["%s: build is not an object" % where]
    problems += _unknown_keys(where + ": build", build, PIO_BUILD)
    for field in ("includeDir", "srcDir"):
        if field in build and not os.path.isdir(os.path.join(root, build[field])):
            problems.append("%s: build.%s %r is not a folder" % (where, field, build[field]))
    for field in ("flags", "unflags", "srcFilter"):
        if field in build and _str_list(build[field]) is None:
            problems.append("%s: build.%s: a string or an array of strings" % (where, field))
    include_dirs = platformio_include_dirs(m, root)
    problems += ["%s: include folder %s does not exist" % (where, d)
                 for d in include_dirs[1:] if not os.path.isdir(d)]
    for header in _str_list(m.get("headers", [])) or []:
        if not any(os.path.isfile(os.path.join(d, header)) for d in include_dirs):
            problems.append("%s: header %s is in no include folder" % (where, header))
    for e in m.get("examples", []) if isinstance(m.get("examples", []), list) else [None]:
        if not (isinstance(e, dict) and re.fullmatch(r"[a-zA-Z\d\-_/]{1,100}", e.get("name", ""))
                and isinstance(e.get("base"), str) and _str_list(e.get("files")) is not None):
            problems.append("%s: example %r: {name [a-zA-Z0-9-_/], base, files}" % (where, e))
            continue
        problems += ["%s: example %s: %s/%s does not exist" % (where, e["name"], e["base"], f)
                     for f in e["files"] if not os.path.isfile(os.path.join(root, e["base"], f))]
    export = m.get("export", {})
    if not (isinstance(export, dict) and not set(export) - {"include", "exclude"}
            and all(_str_list(v) is not None for v in export.values())):
        problems.append("%s: export: {include: [...], exclude: [...]}" % where)
    return problems


# --- Zephyr -----------------------------------------------------------------------------------
# Modules: https://docs.zephyrproject.org/latest/develop/modules.html
# zephyr/module.yml is checked by Zephyr with a pykwalify schema (METADATA_SCHEMA in
# scripts/zephyr_module.py): a map of name (str), build {cmake (str: the folder holding the
# module's CMakeLists.txt), kconfig (str: the Kconfig file), cmake-ext, kconfig-ext,
# sysbuild-cmake-ext, sysbuild-kconfig-ext (bool), sysbuild-cmake, sysbuild-kconfig (str),
# depends [str], settings {board_root, dts_root, soc_root, arch_root, module_ext_root, sca_root}},
# tests, samples, boards [str], blobs [...]; no other keys. The name, with every character
# outside [a-zA-Z0-9] replaced by _, upper-cased, must not be CURRENT. Samples are twister test
# roots: a sample.yaml whose "sample" has a "name" and whose "tests" is not empty
# (scripts/schemas/twister/testsuite-schema.yaml), beside the application's CMakeLists.txt and
# prj.conf.

ZEPHYR_TOP = {"name": str, "build": dict, "tests": list, "samples": list, "boards": list,
              "blobs": list}
ZEPHYR_BUILD = {"cmake": str, "kconfig": str, "cmake-ext": bool, "kconfig-ext": bool,
                "sysbuild-cmake": str, "sysbuild-kconfig": str, "sysbuild-cmake-ext": bool,
                "sysbuild-kconfig-ext": bool, "depends": list, "settings": dict}
ZEPHYR_SETTINGS = ("board_root", "dts_root", "soc_root", "arch_root", "module_ext_root",
                   "sca_root")


def _typed_map(where, mapping, types):
    problems = _unknown_keys(where, mapping, types)
    problems += ["%s: %s must be a %s" % (where, k, types[k].__name__)
                 for k, v in mapping.items() if k in types and not isinstance(v, types[k])]
    return problems


def zephyr_module(path, root):
    m, problems = _load_yaml(path)
    if problems:
        return problems
    where = "zephyr/module.yml"
    if not isinstance(m, dict):
        return ["%s: not a map" % where]
    problems = _typed_map(where, m, ZEPHYR_TOP)
    if re.sub("[^a-zA-Z0-9]", "_", str(m.get("name", ""))).upper() == "CURRENT":
        problems.append("%s: the name CURRENT is reserved" % where)
    build = m.get("build", {})
    if isinstance(build, dict):
        problems += _typed_map(where + ": build", build, ZEPHYR_BUILD)
        if isinstance(build.get("settings"), dict):
            problems += _unknown_keys(where + ": build.settings", build["settings"],
                                      ZEPHYR_SETTINGS)
        cmake = os.path.join(root, str(build.get("cmake", "zephyr")), "CMakeLists.txt")
        if not build.get("cmake-ext") and not os.path.isfile(cmake):
            problems.append("%s: build.cmake: no %s" % (where, cmake))
        kconfig = os.path.join(root, str(build.get("kconfig", "zephyr/Kconfig")))
        if not build.get("kconfig-ext") and not os.path.isfile(kconfig):
            problems.append("%s: build.kconfig: no file %s" % (where, kconfig))
    for field in ("tests", "samples", "boards"):
        for entry in m.get(field, []) if isinstance(m.get(field, []), list) else []:
            if not (isinstance(entry, str) and os.path.isdir(os.path.join(root, entry))):
                problems.append("%s: %s entry %r is not a folder" % (where, field, entry))
            elif field == "samples":
                problems += zephyr_sample(os.path.join(root, entry))
    return problems


def zephyr_sample(sample):
    problems = ["%s: no %s" % (sample, f) for f in ("CMakeLists.txt", "prj.conf", "sample.yaml")
                if not os.path.isfile(os.path.join(sample, f))]
    if problems:
        return problems
    y, problems = _load_yaml(os.path.join(sample, "sample.yaml"))
    if problems:
        return problems
    if not (isinstance(y, dict) and isinstance(y.get("sample"), dict)
            and isinstance(y["sample"].get("name"), str)):
        problems.append("%s/sample.yaml: sample.name is required" % sample)
    if not (isinstance(y, dict) and isinstance(y.get("tests"), dict) and y["tests"]):
        problems.append("%s/sample.yaml: tests must name at least one scenario" % sample)
    return problems


# --- ESP-IDF ----------------------------------------------------------------------------------
# idf_component.yml:
#   https://docs.espressif.com/projects/idf-component-manager/en/latest/reference/manifest_file.html
#   https://docs.espressif.com/projects/idf-component-manager/en/latest/reference/versioning.html
# Every field is optional (version is required to upload). Known fields, their forms and the
# targets are idf-component-manager's (idf_component_tools/manifest/models.py, constants.py):
# version major.minor.patch[~revision][-prerelease][+build]; tags [A-Za-z0-9_-]{3,32}, unique
# ignoring case; maintainers unique; dependencies: "idf" or [namespace/]name slugs, each a range
# specification or {version, public, path, git, registry_url, rules, matches, override_path,
# require, pre_release}; files {use_gitignore | include, exclude}; examples [{path}];
# url/documentation/issues/discussion URLs; repository a git URL.

IDF_FIELDS = ("name", "dependencies", "targets", "version", "files", "maintainers",
              "description", "tags", "examples", "license", "repository_info", "repository",
              "documentation", "issues", "discussion", "url")
IDF_TARGETS = ("esp32", "esp32s2", "esp32c3", "esp32s3", "esp32c2", "esp32c5", "esp32c6",
               "esp32c61", "esp32h2", "esp32h21", "esp32h4", "esp32p4", "esp32s31", "linux")
IDF_DEPENDENCY = ("version", "public", "path", "git", "registry_url", "service_url", "rules",
                  "matches", "override_path", "require", "pre_release")
_IDF_TAIL = r"(~\d+)?(-[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?(\+[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?"
IDF_VERSION = re.compile(r"^\d+\.\d+\.\d+" + _IDF_TAIL + "$")
IDF_CLAUSE = re.compile(r"^(>=|<=|==|!=|~=|>|<|~|\^)?(\*|\d+)(\.(\*|\d+)){0,2}" + _IDF_TAIL + "$")
IDF_SLUG = r"[a-zA-Z\d]+(?:(?:[_-](?![_-]+))|(?:[a-zA-Z\d]))*[a-zA-Z\d]+"
IDF_NAME = re.compile(r"^((?:%s/%s)|(?:%s))$" % (IDF_SLUG, IDF_SLUG, IDF_SLUG))
IDF_TAG = re.compile(r"^[A-Za-z0-9_\-]{3,32}$")
GIT_URL = re.compile(r"^((https?|ssh|git)://|[\w.-]+@[\w.-]+:)[^\s]+$")


def _range_ok(spec):
    return isinstance(spec, str) and all(IDF_CLAUSE.match(c) for c in spec.split(","))


def _unique_strs(value):
    return (isinstance(value, list) and all(isinstance(v, str) for v in value)
            and len({v.lower() for v in value}) == len(value))


def idf_component(path, root):
    m, problems = _load_yaml(path)
    if problems:
        return problems
    where = os.path.relpath(path, root)
    if m is None:
        return []
    if not isinstance(m, dict):
        return ["%s: not a map" % where]
    problems = _unknown_keys(where, m, IDF_FIELDS)
    if "version" in m and not (isinstance(m["version"], str) and IDF_VERSION.match(m["version"])):
        problems.append("%s: version %r: major.minor.patch[~revision][-prerelease][+build]" %
                        (where, m["version"]))
    for field in ("maintainers", "targets", "tags"):
        if field in m and not _unique_strs(m[field]):
            problems.append("%s: %s must be a list of distinct strings" % (where, field))
    problems += ["%s: target %r is unknown" % (where, t) for t in m.get("targets", [])
                 if t not in IDF_TARGETS]
    problems += ["%s: tag %r: 3..32 of [A-Za-z0-9_-]" % (where, t) for t in m.get("tags", [])
                 if not IDF_TAG.match(str(t))]
    for field in ("description", "license"):
        if field in m and not isinstance(m[field], str):
            problems.append("%s: %s must be a string" % (where, field))
    if "license" in m and not SPDX_ID.match(str(m["license"])):
        problems.append("%s: license %r is not an SPDX identifier" % (where, m["license"]))
    for field in ("url", "documentation", "issues", "discussion"):
        if field in m:
            problems += _url_problems("%s: %s" % (where, field), m[field])
    if "repository" in m and not (isinstance(m["repository"], str)
                                  and GIT_URL.match(m["repository"])):
        problems.append("%s: repository %r is not a git URL" % (where, m["repository"]))
    if "repository_info" in m and "repository" not in m:
        problems.append("%s: repository_info needs repository" % where)
    files = m.get("files", {})
    if not (isinstance(files, dict) and not set(files) - {"use_gitignore", "include", "exclude"}
            and all(isinstance(files.get(k, []), list) for k in ("include", "exclude"))
            and not (files.get("use_gitignore") and ("include" in files or "exclude" in files))):
        problems.append("%s: files: {use_gitignore: bool} or {include: [...], exclude: [...]}" %
                        where)
    manifest_dir = os.path.dirname(path)
    dependencies = m.get("dependencies", {})
    for name, dep in dependencies.items() if isinstance(dependencies, dict) else []:
        here = "%s: dependencies.%s" % (where, name)
        if name != "idf" and not IDF_NAME.match(name):
            problems.append("%s: not a component name ([namespace/]name)" % here)
        if isinstance(dep, dict):
            problems += _unknown_keys(here, dep, IDF_DEPENDENCY)
            if "path" in dep and not os.path.isdir(os.path.join(manifest_dir, str(dep["path"]))):
                problems.append("%s: path %r is not a folder" % (here, dep["path"]))
            dep = dep.get("version", "*")
        if not _range_ok(dep):
            problems.append("%s: %r is not a version range specification" % (here, dep))
    for example in m.get("examples", []) if isinstance(m.get("examples", []), list) else [None]:
        if not (isinstance(example, dict) and isinstance(example.get("path"), str)):
            problems.append("%s: examples entries are {path: ...}" % where)
            continue
        project = os.path.join(root, example["path"], "CMakeLists.txt")
        if not os.path.isfile(project) or "tools/cmake/project.cmake" not in open(project).read():
            problems.append("%s: example %s is not an ESP-IDF project (CMakeLists.txt including "
                            "project.cmake)" % (where, example["path"]))
    return problems
