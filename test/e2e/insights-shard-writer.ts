/**
 * One "shard" for `insights-shards.test.ts`: opens the insights file given as the first
 * argument, records the number of answers given as the second, writing every
 * ten, and prints its warnings (there should be none) to stderr.
 */
import { Insights } from '../../src/insights/insights.ts';

const [path = '', countText = '0', shard = '0'] = process.argv.slice(2);
const insights = Insights.open({
  path,
  retentionDays: 30,
  logger: {
    warn: (fields, message) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
    info: () => {},
  },
});
for (let i = 0; i < Number(countText); i++) {
  insights.recordAnswer({
    guildId: '100000000000000001',
    userId: `${shard}-${i}`,
    private: false,
    answer: {
      question: `question ${i}`,
      answered: false,
      code: 'weak-match',
      reason: 'no',
      results: [],
      total: 0,
    },
  });
  if (i % 10 === 9) insights.flush();
}
insights.close();
