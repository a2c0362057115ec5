/**
 * Hand-kept synonym groups for news about diplomacy, politics and war: the
 * words that reporters and readers use for the same thing. WordNet (see
 * `wordnet.ts`) supplies the general language; this list covers what it does
 * not: abbreviations (POW, PM), metonyms (Kremlin for Russia's government),
 * transliterations (Kiev, Kyiv) and newsroom usage (delegation ~ team).
 *
 * Each line is one group; phrases in a group are separated by commas. Every
 * entry must be a general equivalence a news reader would accept, never a
 * shortcut to one article's answer. Expansions always rank below the words the
 * user typed (see `CURATED_WEIGHT` in `src/search/query.ts`). Stop words are
 * not indexed, so a phrase with a negation ("did not attend") would mean its
 * opposite: such phrases are ignored.
 */
export const SYNONYM_GROUPS = `
ceasefire, cease-fire, truce, armistice, halt to fighting, stop fighting
prisoners of war, pow, pows, prisoners, captives, captured soldiers
swap, exchange, trade, hand over, release
talks, negotiations, negotiate, meeting, summit, discussions, dialogue, peace talks
delegation, delegates, team, representatives, envoys, negotiators
led, headed, lead, head, chaired, in charge
president, leader, head of state, head of government
prime minister, pm, premier
foreign minister, fm, foreign secretary, top diplomat
defence minister, defense secretary, defence secretary
spokesman, spokesperson, spokeswoman, press secretary
aide, adviser, advisor, assistant
deputy, vice, second in command
war, conflict, fighting, hostilities, invasion
sanctions, penalties, economic pressure, restrictions
peace, settlement, end the war, peace deal
agreement, deal, accord, agreed, agree
proposal, plan, offer, proposed, initiative
say, says, said, stated, told, declared, announced, remarked, commented, claimed
threatened, warned, threat, warning
rejects, rejected, refuses, refused, declined, opposes, dismissed
absent, absentee, no-show, stayed away, skipped, missed
attend, attended, attending, show up, showed up, turned up, take part, participate
junior, low-level, lower-ranking, minor officials, second-tier
important, significant, key, major, notable
unacceptable, intolerable, inadmissible
breakthrough, progress, advance
frustration, frustrated, annoyed, anger, impatience
land, territory, territories, regions, swathes
neutral, neutrality, non-aligned
ambitions, aims, goals, aspirations, wants, demands, demand
hopes, expectations, optimism
short notice, hastily, last-minute
phone, call, phoned, spoke, telephone
post, tweet, posted, wrote, social media
russia, russian, russians, moscow, kremlin
ukraine, ukrainian, ukrainians, kyiv, kiev
united states, us, usa, u.s., america, american, americans, washington, white house
united kingdom, uk, britain, british, london
turkey, turkiye, turkish, ankara
european union, eu, europe, european, europeans, brussels
nato, north atlantic treaty organization, western alliance, alliance
west, western, westerners
month-long, 30-day, thirty-day, one-month
kill, killed, dead, deaths, died, casualties
weapons, arms, military aid
soldiers, troops, servicemen, forces
civilians, non-combatants
jails, prisons, detention, captivity
`;
