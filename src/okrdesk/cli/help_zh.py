"""The Chinese help: every command's text and every option's, in one place.

The English is the commands' own (their docstrings and ``help=``, in cli/*.py);
this module says the same in Chinese, filed by the command's path below
``okrdesk`` (``""`` for okrdesk itself, ``"spend add"``) and each option's first
``--`` name. A command's first paragraph is also what ``okrdesk --help`` lists
beside it. tests/test_help_language.py fails when a command or an option has
English help and no Chinese here, or Chinese here for one that is not there.
Imported only when the help is shown in Chinese.
"""

from __future__ import annotations

USAGE = "用法："
OPTIONS = "选项："
COMMANDS_HEADING = "命令："
DEFAULT = "默认："
REQUIRED = "必填"

EVERY_COMMAND = {
    "--help": "显示此说明并退出。",
    "--version": "显示版本并退出。",
    "--workspace": "工作区文件夹（默认：$OKRDESK_WORKSPACE，否则为当前文件夹）。",
}
"""Options every command that has them says the same of: click's own and ``-w``."""

_LANG = "默认：命令名前的 okrdesk --lang，否则 okrdesk.toml 中 [workspace] 的 lang，否则 zh。"
_GROUP_LANG = "帮助的语言；也是其下命令未给出自己的 --lang 时所用的语言。"
_PERIOD = (
    "截至某个周期末：2026-W14、2026-03、2026Q2，阶段的 id 或名称（Q1、抢春播），"
    "this week、last month、本周、上月（从 --as-of 起算，否则从今天起算）。"
)
_AS_OF_REPORT = "报告的日期（默认：今天）。"
_WEEK = "ISO 周，如 2026-W47：截至该周周日的报告。"
_UNIT_REPORT = "报告哪个单位或人员（默认：计划的单位）。"

COMMANDS: dict[str, tuple[str, dict[str, str]]] = {
    "": (
        """
        跟踪销售团队的目标、关键结果和预算。

        目标写在工作区文件夹 targets/ 下的 TOML 文件里；指标插件从 CRM
        导出文件中采集数字。可以先运行 `okrdesk init`，或试试 `okrdesk demo`。
        """,
        {
            "--lang": "帮助的语言；也是命令未给出自己的 --lang 时所用的语言。不给时，帮助"
            "用工作区的语言（其 lang，否则 zh）；不在工作区中时，按系统语言环境"
            "（如 LANG=zh_CN.UTF-8 即为中文）。",
        },
    ),
    "init": (
        """
        新建工作区，附带加了注释的示例计划。

        DIRECTORY 默认为当前文件夹。不会覆盖任何内容：已有目标文件的文件夹
        保持原样。
        """,
        {
            "--lang": "示例计划的语言（默认：系统语言环境为中文时用 zh，如 "
            "LANG=zh_CN.UTF-8；否则用 en）。",
        },
    ),
    "validate": (
        """
        检查每个目标文件，一次列出全部问题。

        读取 targets/*.toml 和 okrdesk.toml，每个问题按
        FILE:LINE: key.path: message 的格式列出，其下是原文那一行和指向出错列的
        脱字符，最后给出总数。一个错误引起的其他错误只在其源头报告一次。带有
        [sources.NAME] 表、且能检查它的插件，也会指出那里的错误；其中指定的
        文件夹或文件在本机上不存在的，作为警告。SQL 指标的查询会对照工作区里
        的数据文件检查，列名写错在这里就能发现。文件没有问题时（可以有警告）
        退出码为 0，有任何错误时为 2。
        """,
        {
            "--lang": "消息的语言；插件自己的消息，插件给了中英两种说法的也用它，否则保持原样。"
            f"{_LANG}"
        },
    ),
    "split": (
        """
        把关键结果的目标值分解到所属单位的成员，也可按时间分解。

        KEY_RESULT 和 --unit 用报告中显示的 id（O1.KR1、szft）。分到的份额写入
        目标文件中该关键结果的 [members] 表；加 --over 时还写入它的 [calendar]
        表（每月或每周末应累计完成的份额）。文件的其余部分逐字节保持原样（顺序、
        空行、注释、BOM、CRLF）。已写好的成员目标或时间分解（手写的，或之前
        拆分的）若会被这次拆分改变，会先列出，只有加上 --replace 才替换。
        --by last-period 按各成员上一个已结束周期的完成量（或 --period 指定
        时段的完成量；一个季度能抹平某一周的冷清）分配份额：数字取自指标；
        按打卡跟踪的关键结果，取其打卡值的增长。
        """,
        {
            "--unit": "KEY_RESULT 所属的单位；由其成员分得份额。",
            "--by": "怎样分配目标值。",
            "--weights": "与 --by weight 一起用：每行写一个 member = weight 的 TOML 文件。",
            "--over": "同时按里程碑把目标值分解到各月或各周。",
            "--dry-run": "只显示结果，不改动任何文件。",
            "--replace": "替换已写好、但与这次拆分不同的成员目标或时间分解。",
            "--period": "与 --by last-period 一起用：按各成员在这段时间的完成量分配，"
            "而不是计划上一个已结束周期的完成量：2026-10、2026Q3，阶段的 id 或名称"
            "（Q3、攻坚），last month、上季度（从 --as-of 起算，否则从今天起算）；"
            "只计其中到那天为止已结束的周期。",
            "--as-of": "与 --by last-period 一起用：按到这一天为止最后一个已结束的周期"
            "计算（默认：今天）。",
            "--lang": f"输出的语言。{_LANG}",
        },
    ),
    "plugins": (
        """
        列出插件、各自的来源，以及它们提供的指标和报告格式。

        插件来自已安装的包（`okrdesk` 入口点组）、工作区 plugins/ 文件夹中的
        *.py 文件（只有在你信任该工作区后才会运行：`okrdesk trust`），以及
        okrdesk 自身。把 OKRDESK_LOAD_PLUGINS 设为以逗号分隔的允许列表，
        即只加载其中的插件。给出 NAME 时只显示这一个插件。有插件出错或被跳过时，
        退出码为 1。
        """,
        {
            "--json": "输出 JSON，供其他程序使用。",
            "--lang": f"列表及其中 okrdesk 错误信息的语言（JSON 保持英文）。{_LANG}",
        },
    ),
    "collect": (
        """
        通过各指标的插件，采集计划用到的每个指标，存入 okrdesk.db。

        采集计划从开始到 --through 的每个周期。再次采集同一指标、同一周期会替换
        它的数字，所以运行两次也不会重复存储；没有变化的数字保持原样，仍记在当初
        存入它的那次采集名下。汇总会说明有多少数字是新增或变化的，并点名已结束
        周期的数字如今读出来不同的指标（来源修订了数字；这次采集会记下，报告和
        check 会在之后的周期指出）。出错的插件会被点名，它的指标保留之前的数字
        （它已声明完成的除外，那些照常存入）；其他插件的数字照常存入，退出码为 1。
        某个指标已存有数字、这次却一个也没有给出（导出文件是空的）时也是如此：
        它算作失败并保留原有数字，除非用 --accept-empty 点名它。
        """,
        {
            "--through": "采集到这一天为止（默认：今天）。",
            "--metric": "只采集这个指标（可重复给出多个）。",
            "--jobs": "最多同时运行 N 个插件，每个在自己的进程中（数据仓库上的 SQL "
            "来源还会按指标拆分）。存入的数字与 1 时完全相同。",
            "--accept-empty": "METRIC 的来源现在有意没有数字（投诉已撤回、全年仅此一件）："
            "删除已存的数字。不加此项时，已有数字的指标这次没有给出数字即算失败，"
            "并保留原有数字。可重复给出多个。",
            "--lang": f"汇总的语言；插件的警告和错误，插件给了中英两种说法的也用它，否则保持原样。"
            f"{_LANG}",
        },
    ),
    "checkin": (
        """
        为没有插件计量的关键结果打卡，记录一个数值。

        VALUE 用关键结果自己的单位（目标写作 5.5 亿元时，4.72亿元 就写 4.72），
        也可带上同类单位，会自动换算：金额写 2.2亿、3,500万 或 1200000元，比率写
        82.5% 或 825‰，数量写 1.2万。负数不需要 `--`（okrdesk checkin O1.KR1 -3）。
        逗号只用作千位分隔（1,234,567）；计数（户、人、单……）只能是整数。每次打卡
        都会保留；某日及之前最近的一次打卡为准。

        打错的卡是撤回，不是删除：`okrdesk checkin --list KR` 显示编号，
        `okrdesk checkin --withdraw ID --reason TEXT` 撤回一条。它留在历史中，
        标为已撤回，不再计入。`okrdesk history KR` 列出关键结果的打卡及填报人。
        """,
        {
            "--person": "这个数值属于哪个人。",
            "--unit": "这个数值属于哪个单位（默认：目标的负责单位）。",
            "--confidence": "你的把握：0 到 1，或百分比（80%）。",
            "--note": "随数值保存的简短说明。",
            "--date": "数值所对应的日期（默认：今天）。",
            "--by": "谁在打卡或撤回（默认：okrdesk.toml 中 [checkin] 的 by，否则为 "
            "$OKRDESK_USER，否则为登录名）。",
            "--list": "列出某个关键结果的打卡及编号，包括已撤回的（与 "
            "`okrdesk history KR` 所列相同）。",
            "--withdraw": "撤回一条打错的卡（需加 --reason）；它仍留在历史中。",
            "--reason": "与 --withdraw 一起用：哪里有误；记入历史。",
            "--lang": f"输出和列表的语言。{_LANG}",
        },
    ),
    "spend": (
        """
        记录和列出各预算项的支出。
        """,
        {"--lang": _GROUP_LANG},
    ),
    "spend add": (
        """
        在一个预算项上记录一笔支出。

        AMOUNT 用该预算项的单位（除非目标文件另有规定，为万元：12 即 12万），也可
        自带单位：1.2亿、3,500元、12.5万元；须为正数，且不超过 100亿元（更正请冲正：
        `okrdesk spend reverse`）。回复会说明记录了什么，以万为单位（英文中为 CNY
        thousands）。每个 --signed-by 都须是计划中的人（名字或 id），或
        [budget] signers 中的人；比较名字时不区分大小写、全角半角和不可见字符。
        标为市场活动的预算项需要两位不同的人签字。日期须在计划期内。预算项的熔断
        已触发、或计入这笔后会触发时，支出会被拒绝（退出码 1），除非加上
        --override --reason TEXT；理由记入台账，并显示在 `spend list` 和报告中。
        熔断未触发时用 --override 会被拒绝（退出码 2）：没有可越过的熔断。
        """,
        {
            "--signed-by": "谁签字批准这笔支出；第二位签字人再给一次。",
            "--note": "这笔钱用在哪里。",
            "--date": "支出的日期（默认：今天）。",
            "--override": "预算项的熔断已触发，仍要支出。",
            "--reason": "与 --override 一起用：为什么；记入台账，并显示在报告中。",
            "--lang": f"输出的语言。{_LANG}",
        },
    ),
    "spend reverse": (
        """
        冲正台账中的第 ENTRY 笔（编号见 `spend list`），以更正台账。

        记录一笔相同金额的负数，注明冲正的是哪一笔，并附上理由。一笔最多冲正
        一次，冲正本身不能再冲正，任何预算项的支出都不会低于零。要改金额，
        先冲正原来那笔，再记一笔正确的。
        """,
        {
            "--reason": "原来那笔哪里有误；记入台账。",
            "--signed-by": "谁签字批准这次更正；按该预算项的签字规则。",
            "--date": "更正的日期（默认：今天）。",
            "--lang": f"输出的语言。{_LANG}",
        },
    ),
    "spend list": (
        """
        列出支出台账，最早的在前，附每笔的编号和签字人。
        """,
        {
            "--line": "只列这个预算项。",
            "--lang": f"列表的语言。{_LANG}",
        },
    ),
    "explain": (
        """
        列出一个数字、一个得分或一行预算背后的每个数，以及它们各自的来源。

        关键结果（O1.KR1）：构成这个数字的每个观测值（周期、人员、数值、插件、
        采集批次和来源行）或打卡，以及它们怎样合计；单位的数字由 60 个以上的
        观测值构成时，按成员合计（每人的数字、关键结果给它的分解目标和观测值；
        用 --unit 或 --person 列出某一个的）。目标（O1）：由各关键结果完成率得出
        的得分，附每个关键结果的
        权重及其在上限内计入多少。预算项（events）：已支出、归因于它的收入及其
        ROI、单位成本，以及它与熔断的距离。都不给时：单位或人员由各目标得分得出的
        综合得分。文字和数值的写法按 --lang 的语言，与报告相同。
        """,
        {
            "--person": "解释这个人的数字或得分。",
            "--unit": "解释这个单位的数字或得分（默认：目标的负责单位；没有 "
            "KEY_RESULT 或 OBJECTIVE 时，为计划的单位）。",
            "--as-of": "数字的日期（默认：今天）。",
            "--period": _PERIOD,
            "--lang": "语言及数值的写法，与 `okrdesk report` 相同（2.54亿 或 CNY 254m）。" + _LANG,
        },
    ),
    "history": (
        """
        列出关键结果的打卡：日期、数值、对象、填报人、信心、说明。

        最早的在前，已撤回的也列出，并注明由谁撤回、为什么；某日及之前最近一次
        未撤回的打卡为准。
        """,
        {"--lang": f"列表的语言及数值的写法，与 `okrdesk report` 相同。{_LANG}"},
    ),
    "due": (
        """
        列出待打卡的事项：哪些关键结果、由谁打卡、从何时起。

        没有指标的关键结果每周、每月或每季需要打卡一次（目标文件中它的
        `cadence`；默认每周）。个人打自己的卡；单位的卡由其负责人打。退出码总是
        0：逾期时会失败的是 `okrdesk check`。
        """,
        {
            "--as-of": "查看哪一天（默认：今天）。",
            "--unit": "只列这个单位内、或这个人待打的卡。",
            "--lang": f"列表的语言，与 `okrdesk report` 相同。{_LANG}",
        },
    ),
    "export": (
        """
        导出存储的数字、打卡、支出和采集批次，供其他工具使用。

        CSV 中，电子表格会当作公式运行的文本单元格（以 =、+、-、@、制表符或回车
        开头的）前面会加一个撇号；单元格内分号、制表符或换行之后的公式也是如此
        （Excel 按分号拆分时，那是单独的一格）；数字按数字写出，所以 -12.5 仍是
        数字。CSV 以字节顺序标记开头，方便 Excel 打开，并有单位一列；xlsx（需要
        --out）每张表一个工作表。
        """,
        {
            "--format": "JSON 和 xlsx 包含全部表；CSV 只含 --table 指定的那张。默认：按 --out"
            " 的扩展名（.json、.csv、.xlsx），否则为 json。",
            "--table": "导出为 CSV 的表。",
            "--out": "写入 FILE；除非给出 --format，按其扩展名选择格式。",
            "--slices": "同时导出带维度数字的各个切片（gender=female;tier=600w），与整体"
            "并列：合计时要么只加切片为空的行，要么只加其他行，不能两者都加。",
            "--lang": f"输出信息的语言（不影响数据）。{_LANG}",
        },
    ),
    "check": (
        """
        列出所有需要关注的事项；其中有问题时退出码为 1。

        规则与报告中“需要关注”相同：已触发的预算熔断、超过上限的费用率、落后、
        超限或未达成的关键结果、合计对不上的成员目标、没有数据的关键结果、缺失或
        过期的指标和打卡，以及插件错误；此外，对之后的周期，还会告知采集修订了
        哪些已完结周期的数字，但这些不算问题（只有这些时退出码为 0）。适合放在
        cron 中：一切正常时什么也不输出（加 -v 则说明一切正常），退出码为 0。
        """,
        {
            "--as-of": "检查哪一天（默认：今天）。",
            "--period": _PERIOD,
            "--unit": "只列这个单位内、或这个人需要关注的事项，与它的报告所列相同"
            "（默认：计划的单位）。",
            "--lang": f"消息的语言，与 `okrdesk report` 相同。{_LANG}",
            "--format": "text：每项一行；json：各项的级别和类别，供监控系统读取"
            "（一切正常时也输出；退出码相同）。",
            "--verbose": "一切正常时也说一声。",
        },
    ),
    "report": (
        """
        单位的周报：目标、成员、预算、需要关注的事项。

        每个关键结果的实际值、目标值、完成率、应完成进度、状态、与上一周期（周、
        月或季）相比的变化、年末预测和趋势；单位下各成员的排名；预算，熔断已触发
        的排在前面；以及所有需要关注的事项。在终端上默认输出文本；开头一屏
        （80×24）说清全部要点，--brief 只输出这一屏。

        -p/--period 显示截至该周期最后一天的报告（周期尚未结束时，截至 --as-of，
        否则截至今天）。
        """,
        {
            "--as-of": _AS_OF_REPORT,
            "--period": _PERIOD,
            "--week": _WEEK,
            "--unit": _UNIT_REPORT,
            "--depth": "只排名单位以下 N 层的成员：1 为下级单位（以及直属于它的人员），"
            "2 再加上这些单位中的人员，依此类推（默认：全部）。",
            "--format": "text 用于终端，md 用于粘贴，html 带图表，json 供工具使用，xlsx "
            "用于 Excel（需要 --out），或插件新增的格式（`okrdesk plugins` 会列出）。"
            "默认：按 --out 的扩展名（.txt、.md、.html、.json、.xlsx……），否则为 text。",
            "--lang": "报告的语言和数字写法（万/亿，或千位分隔）。" + _LANG,
            "--out": "写入 FILE；除非给出 --format，按其扩展名选择格式。",
            "--templates": "一个模板文件夹，按名称覆盖 report.md.j2 / report.html.j2。",
            "--brief": "只输出开头一屏：得分、阶段、变化、熔断、最严重的提醒、谁待打卡"
            "（仅限文本格式）。",
            "--breakdown": "按指标的某个维度拆分显示关键结果的数字，如 O1.AUM=product"
            "（可重复；在目标文件的 breakdown 之外追加）。",
            "--window": "把每个累计类指标上的关键结果按一个时间窗口显示：wtd、mtd、qtd、"
            "ytd、last_N_weeks 或 last_N_months（目标文件中指定了窗口的关键结果保持"
            "原样）。",
            "--compare": "把这些窗口与上一年的同期（last_year，同比）、上一个窗口"
            "（previous，环比）或两者比较；不给 --window 时，比较计划粒度的当前周期。",
        },
    ),
    "send": (
        """
        把报告摘要发到企业微信、飞书、钉钉群，以及发邮件。

        按 okrdesk.toml 中 [send] 所列发送：单位、得分、阶段、已触发的熔断和需要
        关注的事项，完整的 HTML 报告写入报告文件夹（邮件附上它；聊天消息注明它
        在哪里）。这会把你的数据发到这些 webhook 和邮件服务器。Webhook 地址、
        密钥和密码从设置中指定的环境变量读取。每个渠道都会尝试；有任何渠道失败时
        退出码为 1。加 --due 时改为发送谁待打卡的提醒（没有人待打卡时什么也不发）。
        写了 unit 的渠道收到那个单位的消息：一次运行，每个营业部发到自己的群。
        见 docs/delivery.md。
        """,
        {
            "--as-of": _AS_OF_REPORT,
            "--week": _WEEK,
            "--unit": "报告哪个单位或人员（默认：计划的单位）；okrdesk.toml 中写了自己的 unit"
            " 的渠道收到那个单位的。",
            "--lang": f"消息和报告的语言。{_LANG}",
            "--channel": "只发到 [[send.channels]] 中的这个渠道（可重复；默认：全部）。",
            "--due": "改为发送谁待打卡的提醒（与 `okrdesk due` 所列相同），而不是报告；"
            "没有人待打卡时什么也不发。",
            "--dry-run": "输出每个渠道将收到的内容，密钥打码；不发送，也不写入任何文件。",
        },
    ),
    "trust": (
        """
        允许运行工作区自带的 plugins/ 代码（以其文件现在的样子为准）。

        DIRECTORY 默认为 --workspace，否则为当前文件夹。工作区 plugins/ 文件夹中的
        *.py 文件是以你的权限运行的 Python 代码；okrdesk 只为你信任的工作区运行
        它们，plugins/ 下任何文件改动后都会再次征求同意。okrdesk.toml 中通向工作区
        之外的设置也是如此：放在别处的存储（工作区外的文件、PostgreSQL 服务器）、
        SQL 来源可读取的工作区外文件夹、可查询的数据仓库。信任的工作区列表保存在
        $XDG_CONFIG_HOME/okrdesk（默认 ~/.config/okrdesk），从不放在工作区中。
        OKRDESK_ALLOW_WORKSPACE_CODE=1 只允许这一次运行。已安装的插件包无需信任：
        安装即是同意。
        """,
        {
            "--revoke": "不再信任这个工作区。",
            "--lang": f"输出的语言。{_LANG}",
        },
    ),
    "store": (
        """
        在 SQLite 文件和 PostgreSQL 服务器之间复制存储。
        """,
        {"--lang": _GROUP_LANG},
    ),
    "store copy": (
        """
        把每个采集批次、观测值、打卡和支出从 FROM 复制到 TO。

        FROM 和 TO 各是一个 SQLite 文件（okrdesk.db），或不含密码的
        postgresql:// URL（设置 PGPASSWORD 或使用 ~/.pgpass）。复制是一个事务：
        提交前逐表比较行数和各列合计，并输出结果。已有数据的目标保持原样，除非
        加上 --replace。
        """,
        {
            "--replace": "覆盖已有数据的目标。",
            "--lang": f"输出的语言。{_LANG}",
        },
    ),
    "demo": (
        """
        用示例目标建一个演示工作区，展示 okrdesk 能告诉你什么。

        DIRECTORY（默认 ./okrdesk-demo）里会放入 2026 年的示例营业部计划和已安装
        插件生成的 CRM 导出文件，采集它们，加上打卡和支出的历史，然后输出周报。
        再次运行会重建演示文件夹；建好之后改动过的（一笔支出、一次打卡、改过的
        目标文件），会先保留在旁边，名为 DIRECTORY.kept-<time>。不是 okrdesk
        演示的文件夹从不会被改动。
        """,
        {
            "--as-of": "演示假定的今天（默认：今天，限于计划的年份内）；早于计划开始或"
            "晚于计划结束的日期会被拒绝。",
            "--lang": "输出的语言，也是演示工作区及其报告的语言。",
        },
    ),
}
"""Each command's help (its first paragraph is its summary in a group's list), and
its options' by their first ``--`` name."""
