export { isValidTopicPattern, topicMatches } from "./topic.ts";
