// Package billing owns what public data costs and where the money goes
// (Art. 21, 23, 33; the national pricing notice 发改价格〔2025〕65号): the
// maximum allowed revenue (最高准许收入) the implementing unit approves for
// an operator's agreement each year, the price cap (上限收费标准) it sets per
// product inside that maximum, the operator's actual price under the cap,
// the monthly statements issued from the meter's usage, and the split of a
// month's revenue between government, operator and providers by the
// agreement's revenue-sharing rule.
//
// Everything is keyed to an agreement: it binds one operator to one
// implementing unit in one jurisdiction, and its finance opinion (package
// agreement) is what the structured revenue-sharing rule kept here must
// rest on. Money is integer fen everywhere; shares are allocated by the
// largest remainder so that they always sum to the total.
//
// Products and application units are plain IDs here: package product (the
// registration, the gateway and its meter) produces the Usage this package
// bills. It never meters calls, never decides who may do what (package
// access does) and never changes another package's tables.
package billing
