/**
 * Request texts for the HTTP load benchmark: news-like English paragraphs of about 200 tokens, assembled from a
 * bank of sentences full of people, organisations and places (what a NER service is sent in practice).
 */
const SENTENCES = [
  'Barack Obama met Angela Merkel in Berlin on Tuesday to discuss trade between the United States and Germany.',
  'Microsoft said on Monday it would open a new research centre in Cambridge, hiring about 200 engineers.',
  'Serena Williams beat Maria Sharapova 6-2, 6-4 in the final at Wimbledon on Saturday afternoon.',
  'The United Nations Security Council met in New York after fighting flared again near Aleppo in Syria.',
  'Shares of Apple rose 3 percent on the Nasdaq after Tim Cook announced record iPhone sales in China.',
  'Prime Minister Theresa May told the House of Commons that Britain would leave the European Union in March.',
  'Lionel Messi scored twice as Barcelona defeated Real Madrid at the Camp Nou in front of 98,000 fans.',
  'The World Health Organization warned that the Ebola outbreak in Sierra Leone and Liberia was far from over.',
  'Toyota and Honda reported higher quarterly profits, helped by strong demand in North America and Japan.',
  'Vladimir Putin and Recep Tayyip Erdogan agreed in Moscow to build a gas pipeline under the Black Sea.',
  'NASA said its Curiosity rover had found traces of ancient lakes in Gale Crater on Mars.',
  'Goldman Sachs and JPMorgan Chase were fined by regulators in London and Washington over currency rigging.',
  'Pope Francis celebrated Mass in Manila, where an estimated six million people gathered in the rain.',
  'Roger Federer withdrew from the Paris Masters with a back injury, his coach Severin Luthi told reporters.',
  'The Bank of England kept interest rates unchanged, Governor Mark Carney said at a news conference.',
  'Amazon plans to build a second headquarters in Virginia and another office in Nashville, Tennessee.',
  'Police in Sydney arrested two men after a siege at a cafe in Martin Place ended early on Tuesday.',
  'Germany\'s Volkswagen recalled 8.5 million cars in Europe after the diesel emissions scandal.',
  'Kofi Annan, the former Secretary-General, arrived in Nairobi to mediate between the rival Kenyan parties.',
  'Airbus delivered its first A350 jet to Qatar Airways at a ceremony in Toulouse, France.',
  'The Federal Reserve chair, Janet Yellen, told Congress that the economy was growing at a moderate pace.',
  'Rafael Nadal won his ninth French Open title at Roland Garros, beating Novak Djokovic in four sets.',
  'Samsung Electronics unveiled a new Galaxy phone in Seoul, hoping to regain ground lost to Huawei.',
  'Heavy rain caused flooding across Bavaria and Austria, and the Danube burst its banks near Passau.',
  'Elon Musk said Tesla would build a factory near Berlin, choosing Brandenburg over sites in the Netherlands.',
];

/** Rough token count (words and punctuation), matching what a word tokenizer produces closely enough to size texts. */
export function roughTokens(text: string): number {
  return text.match(/[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

/** `count` distinct paragraphs of about `tokens` tokens each, deterministic. */
export function makeTexts(count: number, tokens = 200): string[] {
  const texts: string[] = [];
  let k = 0;
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    let n = 0;
    while (n < tokens) {
      // A stride co-prime with the bank size walks every sentence in a different order per text.
      const s = SENTENCES[(k * 7 + i) % SENTENCES.length];
      k++;
      parts.push(s);
      n += roughTokens(s);
    }
    texts.push(parts.join(' '));
  }
  return texts;
}
