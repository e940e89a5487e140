/**
 * The closed lists behind profile's `locale` and `address.country`. They are spelled out (not asked of the
 * runtime's ICU) so that the documented schema is exactly what the service accepts, whatever runtime
 * builds the document; `profile-codes.test.ts` proves every language listed is one the runtime can format.
 */

/**
 * ISO 3166-1 alpha-2: the officially assigned codes, plus `XK` (Kosovo, user-assigned but what banks and
 * ICU use). Transitional and exceptional reservations (`UK`, `EU`, `SU`…) are not countries of residence.
 */
export const COUNTRY_CODES: readonly string[] = (
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS " +
  "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE " +
  "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM " +
  "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC " +
  "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA " +
  "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
  "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO " +
  "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
).split(" ");

/**
 * Canonical language subtags (BCP 47, lowercase) the platform formats dates and numbers in: those the
 * runtime's ICU (Bun 1.4) supports for `Intl.DateTimeFormat`. Deprecated aliases (`iw`, `eng`) are left out.
 */
export const LANGUAGE_CODES: readonly string[] = (
  "af agq ak am ar as asa ast az ba bas be bem bez bg bgc bho blo bm bn bo br brx bs bua ca ccp ce " +
  "ceb cgg chr ckb cs csw cv cy da dav de dje doi dsb dua dyo dz ebu ee el en eo es et eu ewo fa ff " +
  "fi fil fo fr fur fy ga gaa gd gl gsw gu guz gv ha haw he hi hr hsb hu hy ia id ie ig ii is it ja " +
  "jgo jmc jv ka kab kam kde kea kgp khq ki kk kkj kl kln km kn ko kok ks ksb ksf ksh ku kw kxv ky " +
  "lag lb lg lij lkt lmo ln lo lrc lt lu luo luy lv mai mas mer mfe mg mgh mgo mi mk ml mn mni mr " +
  "ms mt mua my mzn naq nb nd nds ne nl nmg nn nnh no nqo nso nus nyn oc om or os pa pcm pl pms prg " +
  "ps pt qu raj rm rn ro rof ru rw rwk sa sah saq sat sbp sc scn sd se seh ses sg shi shn si sk sl " +
  "smn sn so sq sr st su sv sw syr szl ta te teo tg th ti tk tn to tok tr tt twq tyv tzm ug uk ur " +
  "uz vai vec vi vmw vun wae wo xh xnr xog yav yi yo yrl yue za zgh zh zu"
).split(" ");

/** A regex alternation matching each code in any letter case (JSON Schema patterns take no `i` flag). */
export function caselessAlternation(codes: readonly string[]): string {
  const caseless = (code: string) =>
    [...code].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : ch)).join("");
  return `(?:${codes.map(caseless).join("|")})`;
}
