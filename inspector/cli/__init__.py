"""Command line: `inspector` opens the app; subcommands work headless.

Each subcommand lives in the module named after its domain concept and
registers itself through `register(subparsers)`; heavy imports (textual,
python-docx) happen inside the commands, so `inspector list` stays quick.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from inspector.cli.app import run_app
from inspector.cli.common import say, setup_logging
from inspector.errors import UserError

# Subcommand name -> the module that registers it (`register(subparsers)`).
# Only the modules named on the command line are imported: opening the app
# must not pay for python-docx, the sync code or the demo generator.
COMMANDS = {
    "demo": "inspector.cli.demo",
    "check": "inspector.cli.check",
    "list": "inspector.cli.listing",
    "ledger": "inspector.cli.ledger",
    "report": "inspector.cli.report",
    "checklist": "inspector.cli.checklist",
    "memo": "inspector.cli.memo",
    "export": "inspector.cli.sync",
    "import": "inspector.cli.sync",
    "conflicts": "inspector.cli.sync",
    "settings": "inspector.cli.settings",
    "reportback": "inspector.cli.reportback",
    "roster": "inspector.cli.roster",
}

log = logging.getLogger("inspector")


class ChineseArgumentParser(argparse.ArgumentParser):
    """Usage errors as one Chinese line, like every other error; help in Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._optionals.title = "选项"
        self._positionals.title = "参数"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "用法：", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "用法：", 1)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"参数错误：{message}（用 --help 查看用法）\n")


def _modules_for(argv: list[str]) -> list[str]:
    named = [COMMANDS[word] for word in argv if word in COMMANDS]
    if not named and ("-h" in argv or "--help" in argv):
        named = list(COMMANDS.values())
    return list(dict.fromkeys(named))


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with `argv`, only the subcommands it names are loaded."""
    parser = ChineseArgumentParser(
        prog="inspector",
        description="基层党委「两学一做」现场指导工具。不带子命令时打开终端界面。",
    )
    parser.add_argument("--data", metavar="DIR", help="数据目录（默认取 INSPECTOR_DATA 或系统用户数据目录）")
    parser.add_argument("--user", metavar="NAME", help="操作人姓名（默认取 INSPECTOR_USER 或登录名）")
    parser.add_argument("--checklists", metavar="DIR", action="append", default=[], help="另外的检查清单目录")
    parser.add_argument("--no-mouse", action="store_true", help="关闭鼠标（慢速 SSH 连接时有用）")
    parser.set_defaults(func=run_app)
    sub = parser.add_subparsers(title="子命令", metavar="COMMAND", parser_class=ChineseArgumentParser)
    for name in _modules_for(list(COMMANDS) if argv is None else argv):
        importlib.import_module(name).register(sub)
    for name in [n for n in COMMANDS if n not in sub.choices]:
        sub.add_parser(name)  # unloaded: named only so a typo lists the real commands
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    setup_logging(args)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        log.exception("command failed")
        say(f"错误：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
