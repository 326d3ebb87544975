# Updates no conversation handles: edits, payments, media, errors.
text_only = 抱歉，目前只能处理文字消息。请用文字描述您的问题。
edited = 我们看不到对已发送消息的修改。如需补充或更正，请发送一条新消息。
no_payments = 市民服务台不接受任何付款。
apology = 抱歉，处理您的消息时出了问题。我们已记录此错误，请稍后再试。
