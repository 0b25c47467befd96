"""Every sentence ``calc`` says, in Chinese and English, in one table.

Templates hold wording only; every number they show is passed in from the policy data or from the
visitor's input. A test asserts both languages use the same placeholders.
"""

from __future__ import annotations

from .fmt import Localized

MESSAGES: dict[str, dict[str, str]] = {
    # ---- explanation steps
    "step.fixed": {"zh": "固定金额 {amount}",
                   "en": "Fixed amount {amount}"},
    "step.rate": {"zh": "{label} {base} × {rate} = {result}",
                  "en": "{label} {base} × {rate} = {result}"},
    "step.per_unit": {"zh": "{label} {quantity} × 每分钟 {price} = {result}",
                      "en": "{label} {quantity} × {price} per minute = {result}"},
    "step.lookup": {"zh": "{label}：{choice} → {amount}",
                    "en": "{label}: {choice} → {amount}"},
    "step.highest": {"zh": "就高不重复：在{chosen}中取最高的{choice} → {amount}",
                     "en": "Highest only, not cumulative: of {chosen}, {choice} pays most → {amount}"},
    "step.same_tier": {"zh": "此前已取得的{previous}属于同档或更高档次，新取得{choice}不另行奖励",
                       "en": "{previous}, obtained before, is in the same or a higher award tier, so {choice} pays nothing more"},
    "step.milestone": {"zh": "首次达到 {threshold}（此前最高 {previous}，本次 {value}）→ {amount}",
                       "en": "First time reaching {threshold} (best before {previous}, now {value}) → {amount}"},
    "step.milestone_sum": {"zh": "各档奖励合计 {result}",
                           "en": "Milestone awards together: {result}"},
    "step.milestone_mode": {"zh": "{label}：{choice}",
                            "en": "{label}: {choice}"},
    "step.milestone_highest": {"zh": "同一年首次达到多档的，只奖励最高一档 → {result}",
                               "en": "Only the highest milestone reached this year pays → {result}"},
    "step.milestone_differential": {"zh": "按差额：最高一档 {top} 减去此前已达档位的 {before} = {result}",
                                    "en": "Difference: the highest milestone's {top} less {before} for the milestone reached before = {result}"},
    "step.cap_room": {"zh": "上限 {cap}（{scope}）减去已获得的 {received} = 剩余额度 {room}",
                      "en": "Cap {cap} ({scope}) minus {received} already received = {room} left"},
    "step.cap_hit": {"zh": "{amount} 超过上限 {cap}（{scope}），按上限计 {cap}",
                     "en": "{amount} exceeds the cap of {cap} ({scope}), so {cap} applies"},
    "step.cap_ok": {"zh": "{amount} 未超过上限 {cap}（{scope}）",
                    "en": "{amount} is within the cap of {cap} ({scope})"},
    "step.threshold_gt": {"zh": "{label} {value} 超过 {limit}（“超过”不含本数），符合门槛",
                          "en": "{label} {value} exceeds {limit} (strictly), so the threshold is met"},
    "step.threshold_ge": {"zh": "{label} {value} 达到 {limit}（含本数），符合门槛",
                          "en": "{label} {value} reaches {limit} (inclusive), so the threshold is met"},
    "step.require": {"zh": "条件满足：{label} — {answer}",
                     "en": "Condition met: {label} — {answer}"},
    "step.differential": {"zh": "差额奖励：{amount} − 已获得 {received} = {result}",
                          "en": "Differential award: {amount} − {received} already received = {result}"},
    "step.sum": {"zh": "合计 {terms} = {result}",
                 "en": "Total {terms} = {result}"},
    "step.ceiling": {"zh": "本条没有计算公式，由责任单位按项目核定，最高 {amount}",
                     "en": "No formula: the responsible department sets the amount case by case, up to {amount}"},
    "step.part": {"zh": "【{title}】小计 {amount}",
                  "en": "[{title}] subtotal {amount}"},
    "step.total": {"zh": "奖补金额（四舍五入到分）{amount}",
                   "en": "Award, rounded to the nearest fen (a hundredth of a yuan; halves round up): {amount}"},
    "step.split_shared": {"zh": "市、县两级财政按 {city_ratio}:{county_ratio} 分摊：市级 {city}，县级 {county}",
                          "en": "Shared by city and county finance {city_ratio}:{county_ratio}: city {city}, county {county}"},
    "step.split_city": {"zh": "由市级财政全额承担 {city}",
                        "en": "Paid by the city alone: {city}"},
    "answer.yes": {"zh": "是", "en": "yes"},
    "answer.no": {"zh": "否", "en": "no"},
    # ---- why an award is zero
    "why.require": {"zh": "条件未满足：{label} — {answer}",
                    "en": "Condition not met: {label} — {answer}"},
    "why.threshold_gt": {"zh": "{label} {value} 未超过 {limit}（须超过，不含本数）",
                         "en": "{label} {value} does not exceed {limit} (it must be strictly more)"},
    "why.threshold_ge": {"zh": "{label} {value} 未达到 {limit}",
                         "en": "{label} {value} does not reach {limit}"},
    "why.lookup": {"zh": "{label}：{choice} 不在奖励范围内",
                   "en": "{label}: {choice} earns no award"},
    "why.none_chosen": {"zh": "{label}：未选择任何一项",
                        "en": "{label}: nothing selected"},
    "why.same_tier": {"zh": "此前已取得同档或更高档次的{previous}",
                      "en": "{previous}, in the same or a higher award tier, was obtained before"},
    "why.milestone": {"zh": "没有首次达到的营业收入档位（本次 {value}，此前最高 {previous}）",
                      "en": "no milestone is reached for the first time (now {value}, best before {previous})"},
    "why.cap_used": {"zh": "上限 {cap}（{scope}）已用完",
                     "en": "the cap of {cap} ({scope}) is used up"},
    "why.differential": {"zh": "已获得的 {received} 不低于本档金额 {amount}，无差额可补",
                         "en": "{received} already received is not less than {amount}, so no difference is due"},
    "why.section_closed": {"zh": "不适用：尚未选择“{section}”适用于本企业",
                           "en": "not applicable: you have not said that “{section}” applies to you"},
    "why.answer": {"zh": "请回答自测中的“{question}”",
                   "en": "Please answer “{question}” in the self-check"},
    "why.answer_choice": {"zh": "请回答自测中的“{question}”（是否包括“{choice}”）",
                          "en": "Please answer “{question}” in the self-check (does it include “{choice}”?)"},
    "why.zero": {"zh": "按所填情况计算金额为 0",
                 "en": "the figures given compute to zero"},
    "why.zero_base": {"zh": "{label}为 0",
                      "en": "{label} is 0"},
    # ---- warnings
    "warn.expires": {"zh": "本条措施有效期至 {end}，请在截止前申报",
                     "en": "This measure is valid until {end}; apply before then"},
    "warn.upper_bound": {"zh": "金额为上限（“不超过/最高”），实际金额以评审核定为准",
                         "en": "This is an upper bound (“not exceeding / at most”); the actual amount is set by review"},
    "warn.no_formula": {"zh": "本条没有计算公式，仅显示最高额度，不计入合计",
                        "en": "This measure has no formula; only its ceiling is shown, and it is not added to totals"},
    # ---- self-check
    "status.may_qualify": {"zh": "可能符合", "en": "may qualify"},
    "status.not_qualified": {"zh": "不符合", "en": "does not qualify"},
    "status.needs_info": {"zh": "需补充信息", "en": "needs information"},
    "label.up_to": {"zh": "最高 ", "en": "up to "},
    "total.entitlements": {"zh": "按标准计算的金额合计", "en": "Sum of entitlements"},
    "total.upper_bounds": {"zh": "“不超过/最高”类金额合计", "en": "Sum of upper bounds"},
    "total.city": {"zh": "市级合计", "en": "City total"},
    "total.county": {"zh": "县级合计", "en": "County total"},
    # ---- errors
    "label.error": {"zh": "错误", "en": "Error"},
    "error.unknown_measure": {"zh": "没有编号为 {measure} 的措施（可用：{known}）",
                              "en": "there is no measure {measure} (known: {known})"},
    "error.unknown_input": {"zh": "措施 {measure} 没有名为 {name} 的输入项（可用：{known}）",
                            "en": "measure {measure} has no input named {name} (known: {known})"},
    "error.missing": {"zh": "请填写“{label}”",
                      "en": "Please fill in “{label}”"},
    "error.empty": {"zh": "“{label}”不能为空",
                    "en": "“{label}” must not be empty"},
    "error.negative": {"zh": "“{label}”不能为负数：{raw}",
                       "en": "“{label}” cannot be negative: {raw}"},
    "error.not_number": {"zh": "“{label}”应为数字（可用千分位逗号、全角数字、万/亿），无法识别：{raw}",
                         "en": "“{label}” must be a number (separators, full-width digits and 万/亿 are fine); cannot read {raw}"},
    "error.ideographic_point": {"zh": "“{label}”中的“。”不是小数点，请用“.”：{raw}",
                                "en": "“{label}”: “。” is not a decimal point, use “.”: {raw}"},
    "error.too_many_decimals": {"zh": "“{label}”最多精确到分（两位小数）：{raw}",
                                "en": "“{label}” can have at most two decimals (fen): {raw}"},
    "error.too_large": {"zh": "“{label}”超出可接受的最大值 {max}：{raw}",
                        "en": "“{label}” exceeds the largest accepted value {max}: {raw}"},
    "error.too_long": {"zh": "“{label}”的输入过长（{length} 个字符）",
                       "en": "“{label}” is too long ({length} characters)"},
    "error.not_bool": {"zh": "“{label}”应为 是/否：{raw}",
                       "en": "“{label}” must be yes or no: {raw}"},
    "error.not_choice": {"zh": "“{label}”没有选项 {raw}（可选：{known}）",
                         "en": "“{label}” has no option {raw} (options: {known})"},
    "error.float": {"zh": "“{label}”请以字符串或 Decimal 传入金额，不要用浮点数：{raw}",
                    "en": "“{label}”: pass amounts as strings or Decimal, not floats: {raw}"},
    "error.bad_date": {"zh": "日期无效：{raw}，应为 YYYY-MM-DD 格式的真实日期",
                       "en": "invalid date {raw}: expected a real date as YYYY-MM-DD"},
    "error.not_yet": {"zh": "措施 {measure} 自 {start} 起施行，{on} 尚未生效",
                      "en": "measure {measure} takes effect on {start}; it is not yet in force on {on}"},
    "error.expired": {"zh": "措施 {measure} 已于 {end} 到期，{on} 不在有效期内",
                      "en": "measure {measure} expired on {end}; {on} is outside its validity"},
    "error.unknown_profile_field": {"zh": "企业画像中没有字段 {name}",
                                    "en": "the enterprise profile has no field {name}"},
    "error.bad_profile": {"zh": "企业画像格式无效：{detail}",
                          "en": "invalid enterprise profile: {detail}"},
    "error.bad_argument": {"zh": "参数格式无效：{raw}，应为 名称=值",
                           "en": "invalid argument {raw}: expected name=value"},
    "error.no_rules": {"zh": "找不到规则数据 {path}，请先运行 make bundle",
                       "en": "rules data {path} not found: run make bundle first"},
}


def _local(value: object, lang: str) -> str:
    if hasattr(value, "local"):
        return str(value.local(lang))
    return str(value)


def render(code: str, lang: str, **values: object) -> str:
    return MESSAGES[code][lang].format(**{k: _local(v, lang) for k, v in values.items()})


def text(code: str, **values: object) -> tuple[str, str]:
    """(zh, en) of one message."""
    return render(code, "zh", **values), render(code, "en", **values)


def bilingual(code: str, **values: object) -> dict[str, str]:
    zh, en = text(code, **values)
    return {"zh": zh, "en": en}


__all__ = ["MESSAGES", "Localized", "bilingual", "render", "text"]
