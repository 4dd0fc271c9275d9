"""Plain data on the wire: JSON with bytes as {"$bytes": base64}. Nothing else crosses."""

import base64
import json

PLAIN = (str, int, float, bool, type(None))


class NotPlainData(TypeError):
    pass


def encode(value):
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if type(value) in PLAIN:  # exact types: a str subclass could carry a rigged __eq__
        return value
    if type(value) in (list, tuple):
        return [encode(v) for v in value]
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            raise NotPlainData("dictionary keys must be str")
        return {k: encode(v) for k, v in value.items()}
    raise NotPlainData(f"a {type(value).__name__} is not plain data (str, int, float, bool, None, bytes, "
                       "list, dict)")


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"])
        return {k: decode(v) for k, v in value.items()}
    return value


def dumps(message):
    return json.dumps(message, separators=(",", ":")) + "\n"


def loads(line):
    return json.loads(line)
