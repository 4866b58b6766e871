"""The web app's texts (keys ``web.*``), in Chinese and English, joining the catalog."""

from __future__ import annotations

from landopt.i18n import add_messages

__all__: list[str] = []

add_messages(
    {
        "title": {"en": "Land plans", "zh": "低效用地再开发方案"},
        "nav.runs": {"en": "Runs", "zh": "运行记录"},
        "nav.upload": {"en": "Add a parcel layer", "zh": "添加地块图层"},
        "nav.other_lang": {"en": "中文", "zh": "English"},
        "nav.logout": {"en": "Sign out", "zh": "退出登录"},
        "error.title": {"en": "Refused", "zh": "请求被拒绝"},
        "csrf_refused": {
            "en": "This form has expired or did not come from this app (its security token is "
            "missing or wrong). Reload the page and send it again.",
            "zh": "此表单已过期或并非来自本应用（安全令牌缺失或不符）。请刷新页面后重新提交。",
        },
        "queue_full": {
            "en": "Too many runs are waiting; try again when some have finished.",
            "zh": "排队的运行过多，请待部分运行结束后再试。",
        },
        "store_off": {
            "en": "the web app keeps its run history in the run store, and LANDOPT_STORE=off "
            "turns it off\n  -> unset LANDOPT_STORE (or set LANDOPT_STORE_URL) and start again",
            "zh": "网页应用的运行记录保存在运行记录库中，而 LANDOPT_STORE=off 关闭了它\n"
            "  -> 取消 LANDOPT_STORE（或设置 LANDOPT_STORE_URL）后重新启动",
        },
        "folder_in_use": {
            "en": "another landopt serve is using this data folder",
            "zh": "另一个 landopt serve 正在使用此数据目录",
        },
        "folder_in_use.fix": {
            "en": "stop it first, or give this one another folder with --data",
            "zh": "请先停止它，或用 --data 为本服务指定其他目录",
        },
        # login
        "login.title": {"en": "Sign in", "zh": "登录"},
        "login.username": {"en": "User name", "zh": "用户名"},
        "login.password": {"en": "Password", "zh": "密码"},
        "login.submit": {"en": "Sign in", "zh": "登录"},
        "login.wrong": {
            "en": "Wrong user name or password.",
            "zh": "用户名或密码错误。",
        },
        # accounts
        "users.unreadable": {
            "en": "the accounts file cannot be read: {error}",
            "zh": "无法读取账户文件：{error}",
        },
        "users.unreadable.fix": {
            "en": "restore it from a backup, or delete it and add the users again with "
            "landopt serve --add-user NAME",
            "zh": "请从备份恢复，或删除后用 landopt serve --add-user 用户名 重新添加用户",
        },
        "users.bad_name": {
            "en": "{name!r} is not a usable user name",
            "zh": "{name!r} 不能用作用户名",
        },
        "users.bad_name.fix": {
            "en": "use 1 to 64 letters, digits and _ . @ -",
            "zh": "请用 1 至 64 个字母、数字或 _ . @ - 字符",
        },
        "users.empty_password": {"en": "the password is empty", "zh": "密码为空"},
        "users.empty_password.fix": {
            "en": "type a password (twice), or give it in LANDOPT_PASSWORD or on standard input",
            "zh": "请输入密码（两次），或通过 LANDOPT_PASSWORD 或标准输入提供",
        },
        # home
        "home.title": {"en": "Run history", "zh": "运行记录"},
        "home.new_layer": {"en": "Add a parcel layer", "zh": "添加地块图层"},
        "home.id": {"en": "Id", "zh": "编号"},
        "home.name": {"en": "Scenario", "zh": "情景"},
        "home.status": {"en": "Status", "zh": "状态"},
        "home.started": {"en": "Started", "zh": "开始时间"},
        "home.cost": {"en": "Cost", "zh": "投入"},
        "home.links": {"en": "Open", "zh": "查看"},
        "home.open": {"en": "open", "zh": "打开"},
        "home.no_runs": {
            "en": "No runs yet: add a parcel layer to start.",
            "zh": "尚无运行记录：请先添加地块图层。",
        },
        "status.queued": {"en": "queued", "zh": "排队中"},
        "status.running": {"en": "running", "zh": "运行中"},
        "status.done": {"en": "finished", "zh": "完成"},
        "status.infeasible": {"en": "targets cannot be met", "zh": "目标无法满足"},
        "status.failed": {"en": "failed", "zh": "失败"},
        "status.cancelled": {"en": "cancelled", "zh": "已取消"},
        "status.interrupted": {"en": "interrupted", "zh": "已中断"},
        "origin.cli": {"en": "command line", "zh": "命令行"},
        "origin.api": {"en": "Python", "zh": "Python"},
        "origin.notebook": {"en": "notebook", "zh": "笔记本"},
        "origin.web": {"en": "web (another server)", "zh": "网页（其他服务器）"},
        # upload
        "upload.title": {"en": "Add a parcel layer", "zh": "添加地块图层"},
        "upload.intro": {
            "en": "A zipped Shapefile (with its .cpg, GBK included), a GeoPackage, GeoJSON or "
            "GeoParquet, up to {mb} MB.",
            "zh": "支持压缩的 Shapefile（含 .cpg，可为 GBK 编码）、GeoPackage、GeoJSON 或 "
            "GeoParquet，最大 {mb} MB。",
        },
        "upload.file": {"en": "File", "zh": "文件"},
        "upload.submit": {"en": "Upload and check", "zh": "上传并检查"},
        "upload.no_file": {"en": "Choose a file first.", "zh": "请先选择文件。"},
        "upload.where": {"en": "upload", "zh": "上传文件"},
        "upload.too_big": {
            "en": "the file is larger than {mb} MB",
            "zh": "文件超过 {mb} MB",
        },
        "upload.too_big.fix": {
            "en": "upload a smaller extract, or start the server with a larger --max-upload-mb",
            "zh": "请上传较小的范围，或以更大的 --max-upload-mb 启动服务",
        },
        "upload.empty": {"en": "the file is empty", "zh": "文件为空"},
        "upload.empty.fix": {"en": "choose the layer's file again", "zh": "请重新选择图层文件"},
        "upload.unknown_type": {
            "en": "the content is not a zip, GeoPackage, GeoJSON or GeoParquet file",
            "zh": "文件内容不是 zip、GeoPackage、GeoJSON 或 GeoParquet",
        },
        "upload.unknown_type.fix": {
            "en": "zip a Shapefile's files together (.shp, .shx, .dbf, .prj, .cpg), or export "
            "the layer as GeoPackage",
            "zh": "请把 Shapefile 的各文件（.shp、.shx、.dbf、.prj、.cpg）一起压缩成 zip，或导出为 GeoPackage",
        },
        "upload.bad_zip": {"en": "the zip file is damaged", "zh": "zip 文件已损坏"},
        "upload.bad_zip.fix": {"en": "zip the layer's files again", "zh": "请重新压缩图层文件"},
        "upload.zip_members": {
            "en": "the zip holds more than {n} files",
            "zh": "zip 内文件超过 {n} 个",
        },
        "upload.zip_members.fix": {
            "en": "zip only the layer's own files",
            "zh": "请只压缩该图层自身的文件",
        },
        "upload.zip_path": {
            "en": "the zip member {name!r} has an absolute path, '..', a drive or a repeated name",
            "zh": "zip 内的 {name!r} 使用了绝对路径、“..”、盘符或重复的文件名",
        },
        "upload.zip_path.fix": {
            "en": "zip the layer's files from their own folder, with plain names",
            "zh": "请在图层所在文件夹内直接压缩其文件，使用普通文件名",
        },
        "upload.zip_link": {
            "en": "the zip member {name!r} is a link or a special file, not a plain file",
            "zh": "zip 内的 {name!r} 是链接或特殊文件，而非普通文件",
        },
        "upload.zip_link.fix": {
            "en": "zip the files themselves, not links to them",
            "zh": "请压缩文件本身，而不是指向它们的链接",
        },
        "upload.zip_big": {
            "en": "the zip unpacks to more than {mb} MB",
            "zh": "zip 解压后超过 {mb} MB",
        },
        "upload.zip_big.fix": {
            "en": "upload a smaller extract",
            "zh": "请上传较小的范围",
        },
        "upload.zip_no_shp": {
            "en": "the zip holds no .shp file",
            "zh": "zip 中没有 .shp 文件",
        },
        "upload.zip_no_shp.fix": {
            "en": "zip a Shapefile's .shp, .shx, .dbf, .prj and .cpg together",
            "zh": "请把 Shapefile 的 .shp、.shx、.dbf、.prj 和 .cpg 一起压缩",
        },
        "upload.zip_many_shp": {
            "en": "the zip holds several .shp files: {names}",
            "zh": "zip 中有多个 .shp 文件：{names}",
        },
        "upload.zip_many_shp.fix": {
            "en": "zip one layer at a time",
            "zh": "请每次只压缩一个图层",
        },
        # layer
        "layer.title": {"en": "Parcel layer {name}", "zh": "地块图层 {name}"},
        "layer.validation": {"en": "Validation", "zh": "检查结果"},
        "layer.usable": {
            "en": "Usable: {n} parcels, {mu}.",
            "zh": "可以使用：共 {n} 宗地块，{mu}。",
        },
        "layer.unusable": {
            "en": "Not usable yet: {n} errors. Fix the mapping below or the file.",
            "zh": "暂不可用：{n} 个错误。请调整下方的字段对应，或修改文件。",
        },
        "layer.status_hint": {
            "en": "In this app: give each status value of your layer its status under "
            "\u201cStatus values\u201d below (the status_values / --status-map in the advice "
            "above are for scenario files and the command line).",
            "zh": "在本页中：请在下方\u201c状态值\u201d中为图层的每个取值选择对应状态"
            "（上面建议中的 status_values 与 --status-map 用于情景文件和命令行）。",
        },
        "layer.status": {"en": "Status", "zh": "状态"},
        "layer.parcels": {"en": "Parcels", "zh": "宗数"},
        "layer.area": {"en": "Area", "zh": "面积"},
        "total": {"en": "Total", "zh": "合计"},
        "parcel_status.inefficient": {"en": "low-efficiency", "zh": "低效"},
        "parcel_status.idle": {"en": "idle", "zh": "闲置"},
        "parcel_status.upgrade_candidate": {"en": "upgrade candidate", "zh": "转型升级"},
        "parcel_status.cleared": {"en": "cleared", "zh": "已出清"},
        "parcel_status.in_use": {"en": "in use", "zh": "在用"},
        "layer.warnings": {"en": "Warnings ({n})", "zh": "警告（{n} 条）"},
        "layer.to_scenario": {"en": "Set targets for this layer", "zh": "为此图层设定目标"},
        "layer.mapping": {"en": "Columns and status values", "zh": "字段与状态值对应"},
        "layer.mapping_intro": {
            "en": "For each landopt field, the layer's column that holds it (pre-selected by "
            "landopt's suggestions). Saving checks the layer again.",
            "zh": "为 landopt 的每个字段选择图层中对应的列（已按 landopt 的建议预选）。保存后将重新检查图层。",
        },
        "layer.field": {"en": "landopt field", "zh": "landopt 字段"},
        "layer.column": {"en": "Your column", "zh": "图层中的列"},
        "layer.no_column": {"en": "(none)", "zh": "（无）"},
        "layer.status_values": {"en": "Status values", "zh": "状态值"},
        "layer.value": {"en": "Value in the layer", "zh": "图层中的值"},
        "layer.no_status": {"en": "(as landopt reads it)", "zh": "（按 landopt 默认识别）"},
        "layer.save_mapping": {"en": "Save and check again", "zh": "保存并重新检查"},
        # scenario
        "scenario.title": {"en": "Scenario", "zh": "情景设置"},
        "scenario.layer": {"en": "Parcel layer: {name}", "zh": "地块图层：{name}"},
        "scenario.back": {"en": "back to the layer", "zh": "返回图层"},
        "scenario.saved": {
            "en": "Saved; landopt found no problem.",
            "zh": "已保存，landopt 未发现问题。",
        },
        "scenario.name": {"en": "Name", "zh": "名称"},
        "scenario.action": {"en": "Action", "zh": "处置方式"},
        "scenario.count": {"en": "Plots", "zh": "宗数"},
        "scenario.area": {"en": "Area (mu)", "zh": "面积（亩）"},
        "scenario.at_least": {"en": "at least", "zh": "不少于"},
        "scenario.exactly": {"en": "exactly", "zh": "恰好"},
        "scenario.objective": {"en": "Objective", "zh": "目标函数"},
        "scenario.min_cost": {"en": "least public cost", "zh": "公共投入最少"},
        "scenario.max_benefit": {"en": "most benefit", "zh": "收益最大"},
        "scenario.budget": {
            "en": "Total budget (10⁴ CNY, optional)",
            "zh": "总预算（万元，可不填）",
        },
        "scenario.time_limit": {"en": "Time limit (s)", "zh": "求解时限（秒）"},
        "scenario.years": {
            "en": "Programme years (e.g. 2023-2025; empty: one year)",
            "zh": "行动计划年份（如 2023-2025；不填：单一年度）",
        },
        "scenario.year_targets": {
            "en": "Targets per year (replace the one-year targets above)",
            "zh": "分年度目标（替代上方的单一年度目标）",
        },
        "scenario.year": {"en": "Year", "zh": "年份"},
        "scenario.bad_years": {
            "en": "not years: write them as 2023-2025 or 2023, 2024 (at most {n} years)",
            "zh": "无法识别的年份：请写成 2023-2025 或 2023, 2024（最多 {n} 年）",
        },
        "scenario.save": {"en": "Save and check", "zh": "保存并检查"},
        "scenario.run": {"en": "Run", "zh": "开始计算"},
        "scenario.toml": {"en": "Scenario file (TOML)", "zh": "情景文件（TOML）"},
        "scenario.download_toml": {"en": "Download scenario.toml", "zh": "下载 scenario.toml"},
        "scenario.upload_toml": {
            "en": "Upload a scenario.toml (its [parcels] is replaced by this layer)",
            "zh": "上传 scenario.toml（其中的 [parcels] 将替换为此图层）",
        },
        "scenario.upload": {"en": "Upload", "zh": "上传"},
        "scenario.toml_header": {
            "en": "Written by landopt serve; [parcels] points at the layer stored by the web app.",
            "zh": "由 landopt serve 生成；[parcels] 指向网页应用保存的图层。",
        },
        "scenario.bad_toml": {"en": "not a TOML file: {error}", "zh": "不是 TOML 文件：{error}"},
        "scenario.bad_toml.fix": {
            "en": "correct the line named, or download this scenario's TOML and start from it",
            "zh": "请修改所指的行，或下载本情景的 TOML 在其基础上修改",
        },
        "scenario.not_a_number": {"en": "not a number", "zh": "不是数字"},
        "scenario.not_a_count": {"en": "not a whole number", "zh": "不是整数"},
        # run
        "run.title": {"en": "Run {name}", "zh": "运行 {name}"},
        "run.id": {"en": "Run id", "zh": "运行编号"},
        "stage.queued": {"en": "waiting for its turn", "zh": "排队等待"},
        "stage.running": {"en": "starting", "zh": "正在启动"},
        "stage.reading": {"en": "reading the layer", "zh": "读取图层"},
        "stage.solving": {"en": "solving", "zh": "求解中"},
        "stage.writing": {"en": "writing the plan", "zh": "写出方案"},
        "stage.done": {"en": "finishing", "zh": "即将完成"},
        "run.cancel": {"en": "Cancel", "zh": "取消运行"},
        "run.reload": {"en": "Reload the page to see the progress.", "zh": "请刷新页面查看进度。"},
        "run.diagnosis": {"en": "Why the targets cannot be met", "zh": "目标无法满足的原因"},
        "run.failed": {"en": "The run failed", "zh": "运行失败"},
        "run.summary": {"en": "Summary", "zh": "汇总"},
        "run.action": {"en": "Action", "zh": "处置方式"},
        "run.plots": {"en": "Plots", "zh": "宗数"},
        "run.plots_target": {"en": "Target", "zh": "目标"},
        "run.mu": {"en": "Area (mu)", "zh": "面积（亩）"},
        "run.mu_target": {"en": "Target", "zh": "目标"},
        "run.cost": {"en": "Cost (10⁴ CNY)", "zh": "投入（万元）"},
        "run.benefit": {"en": "Benefit (10⁴ CNY)", "zh": "收益（万元）"},
        "run.met": {"en": "Met", "zh": "达标"},
        "run.yes": {"en": "yes", "zh": "是"},
        "run.no": {"en": "NO", "zh": "否"},
        "run.units": {
            "en": "Costs and benefits in 10⁴ CNY; areas in mu (1 mu = 666.7 m²).",
            "zh": "投入与收益单位为万元；面积单位为亩。",
        },
        "run.map": {"en": "Map", "zh": "方案地图"},
        "run.downloads": {"en": "Downloads", "zh": "下载"},
        "run.report": {"en": "Open the report", "zh": "打开报告"},
        "compare.title": {"en": "Compare two runs", "zh": "比较两次运行"},
        "compare.a": {"en": "Run", "zh": "运行"},
        "compare.b": {"en": "against", "zh": "对比"},
        "compare.submit": {"en": "Compare", "zh": "比较"},
        "compare.plan": {"en": "Plan", "zh": "方案"},
        "compare.map": {"en": "Difference map", "zh": "差异图"},
        "compare.changes": {
            "en": "Parcels whose action differs: {n}",
            "zh": "措施不同的地块：{n} 宗",
        },
        "compare.no_action": {"en": "no action", "zh": "不处置"},
        "compare.col.parcel_id": {"en": "Parcel", "zh": "地块编号"},
        "compare.col.township": {"en": "Township", "zh": "镇（街道）"},
        "compare.col.name": {"en": "Name", "zh": "名称"},
        "compare.col.area_mu": {"en": "Area", "zh": "面积"},
        "compare.more": {"en": "… and {n} more", "zh": "……另有 {n} 宗"},
        "run.rerun": {"en": "Change the scenario and run again", "zh": "修改情景后重新计算"},
        # the mapping form's landopt fields, named for planners (the code stays beside)
        "field.parcel_id": {"en": "Parcel ID", "zh": "地块编号"},
        "field.name": {"en": "Name (holder or plot)", "zh": "名称（企业或地块）"},
        "field.township": {"en": "Township", "zh": "镇（街道）"},
        "field.park": {"en": "Industrial park", "zh": "所属园区"},
        "field.landuse_code": {"en": "Current use code", "zh": "现状用途代码"},
        "field.planned_use_code": {"en": "Planned use code", "zh": "规划用途代码"},
        "field.status": {"en": "Status", "zh": "状态"},
        "field.area_mu": {"en": "Area (mu)", "zh": "面积（亩）"},
        "field.far": {"en": "Plot ratio", "zh": "容积率"},
        "field.building_coef": {"en": "Building coverage", "zh": "建筑系数"},
        "field.tax_wan_per_mu": {"en": "Tax per mu (万元/mu/year)", "zh": "亩均税收（万元/亩/年）"},
        "field.muyi_class": {"en": "Per-mu efficiency grade", "zh": "亩均效益等级"},
        "field.industry_code": {"en": "Industry code", "zh": "行业代码"},
        "field.industry_policy": {"en": "Industrial policy class", "zh": "产业政策类别"},
        "field.operating_status": {"en": "Operating status", "zh": "经营状态"},
        "field.idle_years": {"en": "Years idle", "zh": "闲置年限"},
        "field.delay_cause": {"en": "Cause of idleness", "zh": "闲置原因"},
        "field.land_price_paid_wan": {"en": "Land price paid (万元)", "zh": "已缴土地价款（万元）"},
        "field.contamination_risk": {"en": "Soil contamination risk", "zh": "土壤污染风险"},
        "field.encumbrance": {"en": "Encumbrance", "zh": "权利限制"},
        "field.cost_clear_wan": {"en": "Cost to clear (万元)", "zh": "出清成本（万元）"},
        "field.cost_revitalize_wan": {"en": "Cost to revitalize (万元)", "zh": "盘活成本（万元）"},
        "field.cost_upgrade_wan": {"en": "Cost to upgrade (万元)", "zh": "转型升级成本（万元）"},
        "field.benefit_tax_after_wan_per_mu": {
            "en": "Tax per mu afterwards (万元/mu/year)",
            "zh": "再开发后亩均税收（万元/亩/年）",
        },
        "field.benefit_tax_gain_wan": {"en": "Added tax (万元/year)", "zh": "新增税收（万元/年）"},
        "field.floor_area_added_m2": {
            "en": "Floor area added (m²)",
            "zh": "新增建筑面积（平方米）",
        },
        "field.difficulty": {"en": "Difficulty (1-5)", "zh": "实施难度（1-5）"},
        "field.project_ready": {"en": "Project ready to sign", "zh": "已有可签约项目"},
    },
    prefix="web.",
)

# the planner's features beyond one plan: sweeps, locks, PostGIS layers, years, cluster
add_messages(
    {
        # target sweep
        "sweep.title": {"en": "Target sweep: the cost curve", "zh": "目标扫描：成本曲线"},
        "sweep.intro": {
            "en": "Solve this scenario once per value of one target, from a first to a last "
            "value in equal steps, and see what each step costs.",
            "zh": "将某一目标从起始值到终止值等距取值，对每个取值各求解一次，查看每一步的成本。",
        },
        "sweep.key": {"en": "Target to vary", "zh": "扫描的目标"},
        "sweep.key.count": {"en": "{action}: plots", "zh": "{action}：宗数"},
        "sweep.key.area_min": {
            "en": "{action}: area at least (mu)",
            "zh": "{action}：面积下限（亩）",
        },
        "sweep.key.budget": {"en": "total budget (10⁴ CNY)", "zh": "总预算（万元）"},
        "sweep.from": {"en": "From", "zh": "起始值"},
        "sweep.to": {"en": "To", "zh": "终止值"},
        "sweep.steps": {"en": "Points", "zh": "取值个数"},
        "sweep.run": {"en": "Run the sweep", "zh": "开始扫描"},
        "sweep.bad_key": {
            "en": "choose one of the targets offered",
            "zh": "请从所列目标中选择一项",
        },
        "sweep.need_number": {"en": "a number is needed here", "zh": "此处需填写数字"},
        "sweep.bad_steps": {
            "en": "between {lo} and {hi} points",
            "zh": "取值个数应在 {lo} 到 {hi} 之间",
        },
        "sweep.bad_range": {
            "en": "the last value must be larger than the first",
            "zh": "终止值须大于起始值",
        },
        "sweep.negative": {"en": "must not be negative", "zh": "不能为负数"},
        "sweep.result": {"en": "Points of the sweep", "zh": "扫描结果"},
        "sweep.curve": {"en": "Cost curve", "zh": "成本曲线"},
        "sweep.status": {"en": "Result", "zh": "结果"},
        "sweep.objective": {"en": "Objective (10⁴ CNY)", "zh": "目标值（万元）"},
        "sweep.marginal": {"en": "Marginal cost per unit", "zh": "边际成本（每单位）"},
        "sweep.open": {"en": "Sweep a target of this scenario", "zh": "扫描本情景的某一目标"},
        "stage.points": {
            "en": "solving point {done} of {total}",
            "zh": "正在求解第 {done}/{total} 个取值",
        },
        "home.kind.sweep": {"en": "sweep", "zh": "目标扫描"},
        # locks
        "projects.title": {"en": "Key projects", "zh": "重点项目"},
        "projects.intro": {
            "en": "Upload the table of key projects waiting for land (CSV in UTF-8 or Excel, the "
            "columns of data/projects.csv): each gets a site on stock land or on land this plan "
            "frees, of its use, in its park, in one piece where it needs one.",
            "zh": "上传待供地重点项目表（UTF-8 编码的 CSV 或 Excel，字段同 data/projects.csv）："
            "每个项目在存量土地或本计划腾退的土地上安排用地，用途、园区相符，需连片的连片供地。",
        },
        "projects.file": {"en": "Project table", "zh": "项目表"},
        "projects.upload": {"en": "Upload the table", "zh": "上传项目表"},
        "projects.remove": {"en": "Remove the projects", "zh": "移除重点项目"},
        "projects.none": {
            "en": "No key projects: the plan places none.",
            "zh": "未设置重点项目：方案不安排项目用地。",
        },
        "projects.count": {
            "en": "{n} projects, {yi} 亿元 of planned investment",
            "zh": "共 {n} 个项目，计划投资 {yi} 亿元",
        },
        "projects.col.project_id": {"en": "ID", "zh": "编号"},
        "projects.col.name": {"en": "Project", "zh": "项目名称"},
        "projects.col.investment_yi": {"en": "Investment (亿元)", "zh": "计划投资（亿元）"},
        "projects.col.mu": {"en": "Land (mu)", "zh": "用地（亩）"},
        "projects.col.uses": {"en": "Uses", "zh": "用途代码"},
        "projects.col.parks": {"en": "Park", "zh": "园区"},
        "projects.col.contiguous": {"en": "One piece", "zh": "需连片"},
        "projects.col.earliest_year": {"en": "Earliest year", "zh": "最早年份"},
        "projects.col.priority": {"en": "Priority", "zh": "优先级"},
        "projects.yes": {"en": "yes", "zh": "是"},
        "projects.no": {"en": "no", "zh": "否"},
        "projects.parks": {"en": "{parks} ({rule})", "zh": "{parks}（{rule}）"},
        "projects.rule.only": {"en": "only there", "zh": "仅限"},
        "projects.rule.prefer": {"en": "preferred", "zh": "优先"},
        "projects.opt.value_wan_per_yi": {
            "en": "Worth of each 亿元 landed, against the cost (万元)",
            "zh": "每落地 1 亿元投资折算（万元，与成本相抵）",
        },
        "projects.opt.must_land": {
            "en": "Every project must land (else one that cannot is reported with its reason)",
            "zh": "所有项目必须落地（否则无法落地的项目列明原因）",
        },
        "projects.opt.park_field": {
            "en": "Parcel column of the park",
            "zh": "地块的园区字段",
        },
        "projects.opt.use_field": {
            "en": "Parcel column of the planned use code",
            "zh": "地块的规划用途代码字段",
        },
        "projects.opt.sources": {
            "en": "Land a project may take besides stock land: that of",
            "zh": "除存量土地外，项目可使用以下措施腾出的土地",
        },
        "projects.where": {"en": "the project table upload", "zh": "上传的项目表"},
        "projects.too_big": {
            "en": "the file is larger than {mb} MB",
            "zh": "文件超过 {mb} MB",
        },
        "projects.too_big.fix": {
            "en": "a project table is a few kilobytes: upload the table alone",
            "zh": "项目表通常只有几 KB：请只上传项目表本身",
        },
        "projects.empty": {"en": "the file is empty", "zh": "文件为空"},
        "projects.empty.fix": {
            "en": "upload the table with one row per key project",
            "zh": "请上传每个重点项目一行的项目表",
        },
        "projects.bad_type": {
            "en": "the file is neither a CSV in UTF-8 nor an Excel workbook (.xlsx)",
            "zh": "文件既不是 UTF-8 编码的 CSV，也不是 Excel 工作簿（.xlsx）",
        },
        "projects.bad_type.fix": {
            "en": "save the table as CSV (UTF-8) or .xlsx and upload it again",
            "zh": "请将项目表另存为 CSV（UTF-8）或 .xlsx 后重新上传",
        },
        "projects.not_here": {
            "en": "the scenario file names the project table {path}, which is not one uploaded "
            "here; the web app opens no other file",
            "zh": "情景文件引用的项目表 {path} 不是在此上传的文件；网页应用不打开其他文件",
        },
        "projects.not_here.fix": {
            "en": "upload the project table in the key projects section",
            "zh": "请在“重点项目”部分上传项目表",
        },
        "run.projects": {"en": "Key projects", "zh": "重点项目"},
        "run.projects_note": {
            "en": "Each landed project's site is outlined and numbered on the map (the site no.).",
            "zh": "已落地项目的用地在地图上圈出并标注用地编号。",
        },
        "locks.title": {"en": "Locked parcels", "zh": "锁定地块"},
        "locks.intro": {
            "en": "Click a parcel on the map to lock it: each click moves it on, from free to "
            "each action its status allows, then to not touched, then free again. Or type "
            "the parcel ids in the fields below (one per line, or separated by commas).",
            "zh": "在地图上点击地块即可锁定：每点击一次依次切换为“不锁定”、其状态允许的各项措施、"
            "“不得实施任何措施”，再回到“不锁定”。也可在下方各栏直接填写地块编号（每行一个，或用逗号分隔）。",
        },
        "locks.include": {"en": "Must take {action}", "zh": "必须{action}"},
        "locks.exclude": {"en": "Must not be touched", "zh": "不得实施任何措施"},
        "locks.free": {"en": "free", "zh": "不锁定"},
        "locks.no_map": {
            "en": "The map is drawn for layers of up to {n} valid parcels; type the ids instead.",
            "zh": "地图仅在图层有效且不超过 {n} 宗地块时显示；请直接填写地块编号。",
        },
        "locks.twice": {
            "en": "parcel {pid} is in two lock fields; keep it in one",
            "zh": "地块 {pid} 出现在两个锁定栏中，请只保留一处",
        },
        # PostGIS layers
        "pg.title": {"en": "Or a PostGIS table", "zh": "或选择 PostGIS 数据表"},
        "pg.intro": {
            "en": "The database's address, then a table (schema.table) or a SELECT. The password "
            "is kept in this server's memory only, never on its disk: after a restart the "
            "layer asks for it again.",
            "zh": "填写数据库地址，再填写数据表（模式.表名）或一条 SELECT 查询。密码只保存在本服务的内存中，"
            "从不写入磁盘；服务重启后，图层会再次询问密码。",
        },
        "pg.url": {"en": "Database URL", "zh": "数据库地址（URL）"},
        "pg.password": {
            "en": "Password (if the database asks for one)",
            "zh": "密码（数据库需要时填写）",
        },
        "pg.table": {"en": "Table", "zh": "数据表"},
        "pg.sql": {"en": "or a query (SELECT …)", "zh": "或查询语句（SELECT …）"},
        "pg.name": {"en": "Name of the layer (optional)", "zh": "图层名称（可不填）"},
        "pg.submit": {"en": "Read the table", "zh": "读取数据表"},
        "pg.need_url": {
            "en": "the database's URL is needed: postgresql://user@host:5432/database",
            "zh": "需要填写数据库地址：postgresql://用户名@主机:5432/数据库名",
        },
        "pg.table_or_sql": {
            "en": "give a table or a query, one of the two",
            "zh": "请填写数据表或查询语句，二者取其一",
        },
        "pg.ask_again": {
            "en": "This layer is read from {url}. The server has restarted since and keeps no "
            "password on disk: give the database password again.",
            "zh": "此图层读自 {url}。服务已重启，且不在磁盘上保存密码：请重新输入数据库密码。",
        },
        "pg.unlock": {"en": "Connect", "zh": "连接"},
        "locks.map": {"en": "Map of the layer for locking parcels", "zh": "用于锁定地块的图层地图"},
        "locks.zoom": {"en": "Zoom the lock map", "zh": "缩放锁定地图"},
        "locks.zoom_in": {"en": "Zoom in", "zh": "放大"},
        "locks.zoom_out": {"en": "Zoom out", "zh": "缩小"},
        "locks.zoom_reset": {"en": "Whole layer", "zh": "全图"},
        "locks.zoom_help": {
            "en": "Wheel or + and - to zoom, drag or the arrow keys to move.",
            "zh": "滚轮或 + / - 键缩放，拖动或方向键平移。",
        },
        "locks.loading": {
            "en": "Drawing the map of {n} parcels…",
            "zh": "正在绘制 {n} 宗地块的地图……",
        },
    },
    prefix="web.",
)
