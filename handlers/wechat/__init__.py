"""The WeChat Official Account channel (公众号, service account): the same desk for its
followers.

* :mod:`.wire`: signatures, the safe-mode envelope (wechatpy's crypto), XML checked before it is
  parsed (wechatpy's parser), passive replies (wechatpy's builders);
* :mod:`.callback`: ``GET``/``POST WECHAT_PATH`` and the 5-second rule;
* :mod:`.processing`: a message processed once, in one transaction with its answer;
* :mod:`.inbound` / :mod:`.render`: WeChat's messages and events as the dialogue's input, its
  replies as WeChat messages with numbered options;
* :mod:`.state`: followers (48-hour window, unfollowed, options), conversations, handled keys;
* :mod:`.api`: the WeChat API (access token shared by every instance, customer-service
  messages, media).

The customer-service sender (the outbox rows of channel ``wechat``) is :mod:`bot.wechat_transport`,
wired with the rest in :mod:`bot.wechat`.
"""
