/**
 * Past forms of common English irregular verbs, mapped to the base form so
 * that "held" meets "hold" and "sent" meets "send" (a stemmer only strips
 * regular endings). General English, not any article's words.
 */
const IRREGULAR_VERBS = `
arise arose arisen|be was were been|bear bore borne born|beat beaten|become became|begin began begun|
bend bent|bet|bid|bite bit bitten|bleed bled|blow blew blown|break broke broken|breed bred|
bring brought|build built|burn burnt|buy bought|catch caught|choose chose chosen|cling clung|come came|
cost|creep crept|cut|deal dealt|dig dug|do did done|draw drew drawn|drink drank drunk|drive drove driven|
eat ate eaten|fall fell fallen|feed fed|feel felt|fight fought|find found|flee fled|fly flew flown|
forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got gotten|
give gave given|go went gone|grow grew grown|hang hung|have had|hear heard|hide hid hidden|
hit|hold held|hurt|keep kept|kneel knelt|know knew known|lay laid|lead led|leave left|lend lent|let|
light lit|lose lost|make made|mean meant|meet met|pay paid|prove proven|put|quit|read|
ride rode ridden|ring rang rung|rise rose risen|run ran|say said|see saw seen|seek sought|sell sold|
send sent|set|shake shook shaken|shed|shine shone|shoot shot|show shown|shrink shrank shrunk|shut|
sing sang sung|sink sank sunk|sit sat|sleep slept|slide slid|speak spoke spoken|spend spent|spin spun|
split|spread|spring sprang sprung|stand stood|steal stole stolen|stick stuck|sting stung|strike struck|
strive strove striven|swear swore sworn|sweep swept|swim swam swum|swing swung|take took taken|
teach taught|tear tore torn|tell told|think thought|throw threw thrown|understand understood|
undertake undertook undertaken|uphold upheld|wake woke woken|wear wore worn|weep wept|win won|
withdraw withdrew withdrawn|withhold withheld|write wrote written|overcome overcame|oversee oversaw overseen|
withstand withstood|forecast|broadcast|upset|rebuild rebuilt|mislead misled|foresee foresaw foreseen`;

const BASE_FORM: ReadonlyMap<string, string> = new Map(
  IRREGULAR_VERBS.split('|').flatMap((entry) => {
    const [base, ...forms] = entry.trim().split(/\s+/);
    return base ? forms.map((form) => [form, base] as const) : [];
  }),
);

/**
 * The base form of an irregular past form, or the word itself.
 *
 * @example
 * baseForm('held') // => 'hold'
 * baseForm('talks') // => 'talks'
 */
export function baseForm(word: string): string {
  return BASE_FORM.get(word) ?? word;
}
