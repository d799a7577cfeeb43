"""The self-check's rules on cases built from the law's text: loi n° 2014-856 du 31 juillet 2014,
art. 1er (I: the conditions of every ESS company; II 1°: the forms of the ESS; II 2°: the
commercial companies) and art. 2 (social utility); Code du travail, art. L3332-17-1 (ESUS).
Each rule is checked with the article it carries, met, not met and unknown."""

import datetime

import pytest

from appartenance.selfcheck import (
    RULES_FILE,
    Answer,
    EsusVerdict,
    FormStatus,
    Group,
    Status,
    Verdict,
    evaluate,
    load_rules,
    parse_rules,
)
from lib.legal_form_kinds import LegalFormKind

RULES = load_rules()
EVERY_YES = {question.id: Answer.YES for question in RULES.questions}
COMPANY = "societe_commerciale"

# The article each condition must cite: a rule whose reference drifts fails here.
ARTICLES = {
    "but-autre-que-partage": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, I, 1°",
    "gouvernance-democratique": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, I, 2°",
    "benefices-majoritairement-reinvestis": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, I, 3°, a",
    "reserves-impartageables": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, I, 3°, b",
    "utilite-sociale": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II, 2°, b, et art. 2",
    "fonds-de-developpement": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II, 2°, c (premier tiret)",
    "report-et-reserves": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II, 2°, c (deuxième tiret)",
    "capital-non-amorti": "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II, 2°, c (troisième tiret)",
    "esus-utilite-principale": "Code du travail, art. L3332-17-1, I, 1°",
    "esus-charge-significative": "Code du travail, art. L3332-17-1, I, 2°",
    "esus-remunerations": "Code du travail, art. L3332-17-1, I, 3°",
    "esus-titres-non-cotes": "Code du travail, art. L3332-17-1, I, 4°",
    "esus-statuts": "Code du travail, art. L3332-17-1, I, 5°",
}
COMPANY_RULES = [rule.id for rule in RULES.in_group(Group.COMPANY)]
ESUS_RULES = [rule.id for rule in RULES.in_group(Group.ESUS)]


def outcome(result, rule_id):
    return next(item for item in [*result.conditions, *result.esus] if item.rule.id == rule_id)


def test_every_rule_of_the_file_is_pinned_to_its_article():
    assert {rule.id: rule.article for rule in RULES.rules} == ARTICLES


def test_every_rule_carries_its_text_its_advice_and_the_source_it_was_checked_on():
    for rule in [*RULES.rules, *RULES.forms]:
        # A verified rule carries the date and the text consulted; one whose official text was not
        # found carries no date (the page says « non vérifiée ») but says what was read instead.
        assert rule.checked_on is None or isinstance(rule.checked_on, datetime.date), rule.id
        assert rule.source.strip(), rule.id
        assert rule.summary.strip() and rule.article.strip(), rule.id
    for rule in RULES.rules:
        assert rule.advice.strip() and rule.to_check.strip() and rule.questions, rule.id


@pytest.mark.parametrize("form_id", ["association", "cooperative", "mutuelle", "fondation"])
def test_the_forms_of_article_1_ii_1_are_of_the_ess_by_their_form(form_id):
    result = evaluate(form_id, {})
    assert result.verdict == Verdict.ESS_BY_FORM and result.is_ess
    assert result.form.article == "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II, 1°"
    assert result.conditions == []  # no commercial company's condition is asked of them


def test_an_association_is_ess_whatever_a_commercial_companys_answers_say():
    result = evaluate("association", {**EVERY_YES, "benefices": Answer.NO, "gouvernance": Answer.NO})
    assert result.verdict == Verdict.ESS_BY_FORM


def test_a_fonds_de_dotation_is_not_among_the_forms_of_the_law():
    result = evaluate("fonds_dotation", EVERY_YES)
    assert result.verdict == Verdict.NOT_ESS
    assert result.form.article == "Loi n° 2014-856 du 31 juillet 2014, art. 1er, II"
    assert "ne figure pas parmi les formes" in result.form.summary and result.form.advice
    assert result.esus_verdict == EsusVerdict.NOT_POSSIBLE  # ESUS is for ESS companies only


def test_an_entreprise_individuelle_is_not_a_legal_person_with_collective_governance():
    result = evaluate("entreprise_individuelle", EVERY_YES)
    assert result.verdict == Verdict.NOT_ESS
    assert result.form.article == "Loi n° 2014-856 du 31 juillet 2014, art. 1er, I"
    assert "coopérative d'activité et d'emploi" in result.form.advice


def test_another_form_is_unknown_with_what_to_check():
    result = evaluate("autre", EVERY_YES)
    assert result.verdict == Verdict.UNKNOWN and result.form.status == FormStatus.UNKNOWN
    assert "Sirene" in result.form.advice
    assert result.esus_verdict == EsusVerdict.TO_CHECK


def test_a_sas_that_distributes_most_of_its_profits_is_not_ess_with_the_article_1_reason():
    result = evaluate(COMPANY, {**EVERY_YES, "benefices": Answer.NO, "report_reserves": Answer.NO})
    assert result.verdict == Verdict.NOT_ESS and not result.is_ess
    not_met = {item.rule.id: item for item in result.conditions if item.status == Status.NOT_MET}
    assert set(not_met) == {"benefices-majoritairement-reinvestis", "report-et-reserves"}
    assert not_met["benefices-majoritairement-reinvestis"].rule.article.endswith("art. 1er, I, 3°, a")
    assert "majorité des bénéfices doit rester" in not_met["benefices-majoritairement-reinvestis"].explanation
    assert "50 % au plus" in not_met["report-et-reserves"].explanation
    assert result.esus_verdict == EsusVerdict.NOT_POSSIBLE


def test_a_sas_meeting_every_condition_is_a_commercial_company_of_the_ess_and_may_ask_for_esus():
    result = evaluate(COMPANY, EVERY_YES)
    assert result.verdict == Verdict.ESS_COMPANY and result.is_ess
    assert all(item.status == Status.MET for item in [*result.conditions, *result.esus])
    assert len(result.conditions) == len(COMPANY_RULES) == 8
    assert result.esus_verdict == EsusVerdict.POSSIBLE


def test_a_sas_of_the_ess_paying_its_highest_pay_over_ten_smic_cannot_have_esus():
    result = evaluate(COMPANY, {**EVERY_YES, "esus_plafond": Answer.NO})
    assert result.verdict == Verdict.ESS_COMPANY
    assert result.esus_verdict == EsusVerdict.NOT_POSSIBLE
    assert outcome(result, "esus-remunerations").status == Status.NOT_MET
    assert "10 fois" in outcome(result, "esus-remunerations").rule.summary


@pytest.mark.parametrize("rule_id", COMPANY_RULES)
def test_each_condition_of_a_commercial_company_not_met_puts_it_out_of_the_ess(rule_id):
    rule = next(rule for rule in RULES.rules if rule.id == rule_id)
    result = evaluate(COMPANY, {**EVERY_YES, rule.questions[0]: Answer.NO})
    assert result.verdict == Verdict.NOT_ESS
    assert [item.rule.id for item in result.conditions if item.status != Status.MET] == [rule_id]
    assert outcome(result, rule_id).explanation == rule.advice
    assert outcome(result, rule_id).rule.article == ARTICLES[rule_id]


@pytest.mark.parametrize("rule_id", COMPANY_RULES)
def test_each_condition_of_a_commercial_company_unknown_leaves_the_answer_unknown(rule_id):
    rule = next(rule for rule in RULES.rules if rule.id == rule_id)
    answers = {**EVERY_YES}
    del answers[rule.questions[0]]  # a question left blank is « je ne sais pas »
    result = evaluate(COMPANY, answers)
    assert result.verdict == Verdict.UNKNOWN
    assert [item.rule.id for item in result.to_check] == [rule_id]
    assert outcome(result, rule_id).explanation == rule.to_check


@pytest.mark.parametrize("rule_id", ESUS_RULES)
def test_each_esus_condition_decides_the_agreement(rule_id):
    rule = next(rule for rule in RULES.rules if rule.id == rule_id)
    for answer, expected in [(Answer.NO, EsusVerdict.NOT_POSSIBLE), (Answer.UNKNOWN, EsusVerdict.TO_CHECK)]:
        result = evaluate("cooperative", {**EVERY_YES, rule.questions[-1]: answer})
        assert result.verdict == Verdict.ESS_BY_FORM  # ESUS never changes the membership
        assert result.esus_verdict == expected, (rule_id, answer)
        assert outcome(result, rule_id).status == {Answer.NO: Status.NOT_MET, Answer.UNKNOWN: Status.UNKNOWN}[answer]


def test_unknown_answers_give_inconnu_with_what_to_check():
    result = evaluate(COMPANY, {})
    assert result.verdict == Verdict.UNKNOWN and result.verdict.value == "inconnu"
    assert {item.status for item in result.conditions} == {Status.UNKNOWN}
    assert all(item.explanation.startswith("Relisez") or item.explanation for item in result.to_check)
    assert "Relisez l'article « objet » de vos statuts." in [item.explanation for item in result.to_check]


def test_the_summary_for_staff_names_the_form_the_verdict_and_what_to_revise():
    summary = evaluate(COMPANY, {**EVERY_YES, "benefices": Answer.NO}).summary()
    assert summary.startswith("Autodiagnostic ESS : Société commerciale")
    assert "ne fait pas partie de l'ESS" in summary and "Des bénéfices majoritairement consacrés" in summary


def test_each_form_leads_to_a_legal_form_of_the_intake_request():
    assert {form.intake_kind for form in RULES.forms} <= set(LegalFormKind.values)


def test_a_rule_naming_an_unknown_question_is_refused_when_the_file_is_read():
    text = RULES_FILE.read_text(encoding="utf-8").replace('questions = ["but"]', 'questions = ["butt"]')
    with pytest.raises(ValueError, match="butt"):
        parse_rules(text)


# What the official texts, checked on 2026-12-04, changed in the file (see each rule's « source »).
VERIFIED = {
    "but-autre-que-partage",
    "gouvernance-democratique",
    "benefices-majoritairement-reinvestis",
    "reserves-impartageables",
    "fonds-de-developpement",
    "report-et-reserves",
}


def test_only_the_rules_checked_on_their_official_text_carry_a_date():
    assert {rule.id for rule in RULES.rules if rule.checked_on} == VERIFIED
    assert all(form.checked_on == datetime.date(2026, 12, 4) for form in RULES.forms)


def test_the_esus_rules_follow_the_article_in_force():
    # L3332-17-1 as amended by loi n° 2019-486: the statutes carry the 1° condition only, and the
    # charge weighs on the income statement (no longer « ou la rentabilité financière »).
    questions = {question.id: question.text for question in RULES.questions}
    assert "politique de rémunération" not in questions["esus_statuts"]
    assert "rentabilité" not in questions["esus_charge"]
    assert "compte de résultat" in questions["esus_charge"]
    assert "boni de liquidation" in questions["reserves"] and "règles spéciales" in questions["reserves"]


def test_the_development_fund_is_due_until_the_reserves_reach_a_fifth_of_the_capital():
    # Arrêté du 3 août 2015, art. 1er: the fraction of the capital set by order is one fifth.
    questions = {question.id: question.text for question in RULES.questions}
    assert "20 %" in questions["fonds_developpement"]
    assert "cinquième du capital social" in questions["fonds_developpement"]
    assert "cinquième du capital social" in next(r.summary for r in RULES.rules if r.id == "fonds-de-developpement")


def _utility_rule_with(old: str, new: str) -> str:
    text = RULES_FILE.read_text(encoding="utf-8")
    start = text.index('id = "utilite-sociale"')
    return text[:start] + text[start:].replace(old, new, 1)


def test_a_verified_date_needs_a_real_date_and_the_source_consulted():
    without_source = _utility_rule_with("source = ", "verifie_le = 2026-12-04\nautre = ")
    with pytest.raises(ValueError, match="utilite-sociale"):
        parse_rules(without_source)
    not_a_date = _utility_rule_with("source = ", 'verifie_le = "hier"\nsource = ')
    with pytest.raises(ValueError, match="utilite-sociale"):
        parse_rules(not_a_date)
    assert parse_rules(_utility_rule_with("source = ", "verifie_le = 2026-12-04\nsource = ")).rules
